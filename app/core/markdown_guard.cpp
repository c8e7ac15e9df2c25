#include "app/core/markdown_guard.h"

#include <QRegularExpression>
#include <QStringList>

namespace hearth::app {
namespace {

// A fence opening or closing a code block: up to 3 spaces, then 3+ backticks or tildes. Returns its character
// and length, or length 0.
std::pair<QChar, int> fenceOf(const QString& line) {
    int i = 0;
    while (i < line.size() && i < 3 && line[i] == QLatin1Char(' ')) ++i;
    if (i >= line.size() || (line[i] != QLatin1Char('`') && line[i] != QLatin1Char('~'))) return {QChar(), 0};
    const QChar c = line[i];
    int n = 0;
    while (i + n < line.size() && line[i + n] == c) ++n;
    return n >= 3 ? std::pair{c, n} : std::pair{QChar(), 0};
}

// "<scheme:...>" or "<user@host>": a Markdown autolink (a link, never fetched), not raw HTML.
bool isAutolink(QStringView inside) {
    static const QRegularExpression uri(QStringLiteral("^[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\\s<>]*$"));
    static const QRegularExpression email(QStringLiteral("^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+$"));
    return uri.match(inside).hasMatch() || email.match(inside).hasMatch();
}

// One line outside fenced code: images become links, raw HTML tags become text; code spans stay as they are.
QString guardLine(const QString& line) {
    QString out;
    out.reserve(line.size() + 16);
    const qsizetype n = line.size();
    for (qsizetype i = 0; i < n;) {
        const QChar c = line[i];
        if (c == QLatin1Char('\\') && i + 1 < n) {  // an escaped character is literal: keep the pair
            out += c;
            out += line[i + 1];
            i += 2;
            continue;
        }
        if (c == QLatin1Char('`')) {  // a code span: a run of N backticks up to the next run of exactly N
            qsizetype run = 0;
            while (i + run < n && line[i + run] == QLatin1Char('`')) ++run;
            qsizetype j = i + run;
            qsizetype close = -1;
            while (j < n) {
                if (line[j] != QLatin1Char('`')) {
                    ++j;
                    continue;
                }
                qsizetype r = 0;
                while (j + r < n && line[j + r] == QLatin1Char('`')) ++r;
                if (r == run) {
                    close = j;
                    break;
                }
                j += r;
            }
            const qsizetype end = close >= 0 ? close + run : i + run;  // unclosed: the backticks are literal
            out += line.mid(i, end - i);
            i = end;
            continue;
        }
        if (c == QLatin1Char('!') && i + 1 < n && line[i + 1] == QLatin1Char('[')) {
            // An image: the same syntax without "!" is a link with the same target. An empty alt text would make
            // an invisible link, so the address stands in for it.
            if (line.mid(i + 1, 3) == QLatin1String("[](")) {
                const qsizetype close = line.indexOf(QLatin1Char(')'), i + 4);
                QString url = line.mid(i + 4, close < 0 ? -1 : close - (i + 4)).trimmed();
                url = url.section(QLatin1Char(' '), 0, 0);
                if (url.startsWith(QLatin1Char('<')) && url.endsWith(QLatin1Char('>'))) url = url.mid(1, url.size() - 2);
                out += QLatin1Char('[') + url.toHtmlEscaped();
                i += 2;  // past "![": the "](" follows
                continue;
            }
            ++i;  // drop the "!"
            continue;
        }
        if (c == QLatin1Char('<') && i + 1 < n &&
            (line[i + 1].isLetter() || line[i + 1] == QLatin1Char('/') || line[i + 1] == QLatin1Char('!') ||
             line[i + 1] == QLatin1Char('?'))) {
            const qsizetype close = line.indexOf(QLatin1Char('>'), i + 1);
            if (close > 0 && isAutolink(QStringView(line).mid(i + 1, close - i - 1))) {
                out += line.mid(i, close - i + 1);
                i = close + 1;
                continue;
            }
            // Raw HTML (<img src>, <td background>, style="background-image: url(...)", ...) could load a
            // resource: shown as the text it is instead.
            out += QLatin1String("&lt;");
            ++i;
            continue;
        }
        out += c;
        ++i;
    }
    return out;
}

// The info string after an opening fence ("```python {.x}" -> "python").
QString fenceLanguage(const QString& line, std::pair<QChar, int> fence) {
    const QString rest = line.trimmed().mid(fence.second).trimmed();
    return rest.section(QLatin1Char(' '), 0, 0);
}

}  // namespace

QList<MarkdownBlock> markdownBlocks(const QString& markdown) {
    QList<MarkdownBlock> blocks;
    QStringList prose;  // lines of the prose block being collected
    QStringList code;   // lines of the code block we are in
    std::pair<QChar, int> open{QChar(), 0};
    QString language;
    const auto flushProse = [&] {
        // Blank lines between blocks carry nothing; the bubble spaces its blocks itself.
        while (!prose.isEmpty() && prose.first().trimmed().isEmpty()) prose.removeFirst();
        while (!prose.isEmpty() && prose.last().trimmed().isEmpty()) prose.removeLast();
        if (!prose.isEmpty()) blocks.append({false, offlineMarkdown(prose.join(QLatin1Char('\n'))), QString()});
        prose.clear();
    };
    for (const QString& line : markdown.split(QLatin1Char('\n'))) {
        const std::pair<QChar, int> fence = fenceOf(line);
        if (open.second > 0) {
            if (fence.second >= open.second && fence.first == open.first &&
                line.trimmed() == QString(line.trimmed().size(), open.first)) {
                blocks.append({true, code.join(QLatin1Char('\n')), language});
                code.clear();
                open = {QChar(), 0};
            } else {
                code += line;
            }
            continue;
        }
        if (fence.second > 0) {
            flushProse();
            open = fence;
            language = fenceLanguage(line, fence);
            continue;
        }
        prose += line;
    }
    flushProse();
    // A fence still open (the answer is streaming, or the model never closed it): what came so far is code.
    if (open.second > 0) blocks.append({true, code.join(QLatin1Char('\n')), language});
    return blocks;
}

QVariantList MarkdownGuard::blocks(const QString& markdown) const {
    QVariantList out;
    for (const MarkdownBlock& b : markdownBlocks(markdown)) {
        out.append(QVariantMap{{QStringLiteral("code"), b.code},
                               {QStringLiteral("text"), b.text},
                               {QStringLiteral("language"), b.language}});
    }
    return out;
}

QString offlineMarkdown(const QString& markdown) {
    const QStringList lines = markdown.split(QLatin1Char('\n'));
    QStringList out;
    out.reserve(lines.size());
    std::pair<QChar, int> open{QChar(), 0};  // the fence of the code block we are in (length 0: none)
    for (const QString& line : lines) {
        const std::pair<QChar, int> fence = fenceOf(line);
        if (open.second > 0) {
            out += line;  // inside fenced code: verbatim
            // A closing fence: the same character, at least as long, nothing after it but spaces.
            if (fence.second >= open.second && fence.first == open.first &&
                line.trimmed() == QString(line.trimmed().size(), open.first)) {
                open = {QChar(), 0};
            }
            continue;
        }
        if (fence.second > 0) {
            out += line;
            open = fence;
            continue;
        }
        out += guardLine(line);
    }
    return out.join(QLatin1Char('\n'));
}

}  // namespace hearth::app
