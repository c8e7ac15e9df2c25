#include "app/docs/text_splitters.h"

#include <QHash>
#include <utility>

namespace hearth::app::docs {

namespace {

bool isBlank(QStringView line) {
    for (QChar c : line)
        if (!c.isSpace()) return false;
    return true;
}

}  // namespace

// ---- PlainTextSplitter ----

bool PlainTextSplitter::feed(QStringView text) {
    qsizetype pos = 0;
    while (pos < text.size()) {
        if (after_cr_) {
            after_cr_ = false;
            if (text[pos] == u'\n') {  // the '\n' of a "\r\n" split across two feeds
                ++pos;
                continue;
            }
        }
        // Find the end of this line within the piece; append whole runs, not characters (50 MB files).
        qsizetype end = pos;
        while (end < text.size() && text[end] != u'\n' && text[end] != u'\r') ++end;
        QStringView run = text.mid(pos, end - pos);
        while (!run.isEmpty()) {
            // A line without newlines for megabytes (minified JSON): cut it, so memory stays bounded.
            const qsizetype room = kMaxSegmentChars - line_.size();
            line_ += run.left(room);
            run = run.mid(std::min(room, run.size()));
            if (line_.size() >= kMaxSegmentChars) {
                if (!endLine() || !flush()) return false;
            }
        }
        if (end == text.size()) break;
        if (text[end] == u'\r') {
            if (end + 1 < text.size()) {
                if (text[end + 1] == u'\n') ++end;
            } else {
                after_cr_ = true;
            }
        }
        if (!endLine()) return false;
        ++line_number_;
        pos = end + 1;
    }
    return true;
}

bool PlainTextSplitter::endLine() {
    if (isBlank(line_)) {
        line_.clear();
        return flush();
    }
    if (paragraph_.isEmpty())
        paragraph_start_ = line_number_;
    else
        paragraph_ += u'\n';
    paragraph_ += line_;
    paragraph_end_ = line_number_;
    line_.clear();
    return paragraph_.size() < kMaxSegmentChars || flush();
}

bool PlainTextSplitter::flush() {
    if (paragraph_.isEmpty()) return true;
    return sink_(TextSegment{std::exchange(paragraph_, QString()), 0, paragraph_start_, paragraph_end_});
}

bool PlainTextSplitter::finish() {
    if (!line_.isEmpty() && !endLine()) return false;
    return flush();
}

// ---- HtmlTextSplitter ----

namespace {

// Elements whose start or end ends a paragraph (what a browser lays out as a block).
bool isBlockElement(QStringView name) {
    static const QStringList kBlocks = {
        u"p"_qs,        u"div"_qs,     u"h1"_qs,      u"h2"_qs,         u"h3"_qs,      u"h4"_qs,     u"h5"_qs,
        u"h6"_qs,       u"li"_qs,      u"ul"_qs,      u"ol"_qs,         u"table"_qs,   u"tr"_qs,     u"title"_qs,
        u"pre"_qs,      u"blockquote"_qs, u"section"_qs, u"article"_qs, u"header"_qs,  u"footer"_qs, u"nav"_qs,
        u"aside"_qs,    u"main"_qs,    u"hr"_qs,      u"dl"_qs,         u"dt"_qs,      u"dd"_qs,     u"figure"_qs,
        u"figcaption"_qs, u"form"_qs,  u"address"_qs, u"details"_qs,    u"summary"_qs, u"body"_qs,   u"head"_qs,
        u"html"_qs,     u"caption"_qs, u"thead"_qs,   u"tbody"_qs,      u"tfoot"_qs};
    return kBlocks.contains(name);
}

// The character an entity name (between '&' and ';') stands for; empty when unknown.
QString decodeEntity(QStringView name) {
    if (name.startsWith(u'#')) {
        bool ok = false;
        const uint code = name.size() > 1 && (name[1] == u'x' || name[1] == u'X') ? name.mid(2).toUInt(&ok, 16)
                                                                                  : name.mid(1).toUInt(&ok, 10);
        if (!ok || code == 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return {};
        const char32_t c = code;
        return QString::fromUcs4(&c, 1);
    }
    static const QHash<QString, QString> kNamed = {
        {u"amp"_qs, u"&"_qs},       {u"lt"_qs, u"<"_qs},        {u"gt"_qs, u">"_qs},       {u"quot"_qs, u"\""_qs},
        {u"apos"_qs, u"'"_qs},      {u"nbsp"_qs, u" "_qs},      {u"ndash"_qs, u"\u2013"_qs}, {u"mdash"_qs, u"\u2014"_qs},
        {u"hellip"_qs, u"\u2026"_qs}, {u"copy"_qs, u"\u00A9"_qs}, {u"reg"_qs, u"\u00AE"_qs},   {u"lsquo"_qs, u"\u2018"_qs},
        {u"rsquo"_qs, u"\u2019"_qs}, {u"ldquo"_qs, u"\u201C"_qs}, {u"rdquo"_qs, u"\u201D"_qs}, {u"euro"_qs, u"\u20AC"_qs}};
    return kNamed.value(name.toString());
}

constexpr qsizetype kMaxTagChars = 64;     // enough for the element's name; attributes are skipped, not kept
constexpr qsizetype kMaxEntityChars = 10;  // "&#x10FFFF;" is the longest we decode

}  // namespace

bool HtmlTextSplitter::feed(QStringView html) {
    for (qsizetype i = 0; i < html.size(); ++i) {
        const QChar c = html[i];
        switch (state_) {
        case State::Text:
            if (c == u'<') {
                state_ = State::Tag;
                tag_.clear();
                tag_quote_ = QChar();
            } else if (c == u'&') {
                state_ = State::Entity;
                entity_.clear();
            } else if (c.isSpace()) {
                pending_space_ = true;
            } else if (!appendChar(c)) {
                return false;
            }
            break;
        case State::Entity:
            if (c == u';') {
                state_ = State::Text;
                const QString decoded = decodeEntity(entity_);
                if (!appendText(decoded.isEmpty() ? QStringLiteral("&") + entity_ + u';' : decoded)) return false;
            } else if (entity_.size() < kMaxEntityChars && (c.isLetterOrNumber() || c == u'#')) {
                entity_ += c;
            } else {  // a bare '&': the text as written, and this character read again as text
                state_ = State::Text;
                if (!appendText(QStringLiteral("&") + entity_)) return false;
                --i;
            }
            break;
        case State::Tag:
            if (tag_.isEmpty() && !(c.isLetter() || c == u'/' || c == u'!' || c == u'?')) {
                state_ = State::Text;  // "a < b": not a tag
                if (!appendChar(u'<')) return false;
                --i;
            } else if (!tag_quote_.isNull()) {
                if (c == tag_quote_) tag_quote_ = QChar();
            } else if (c == u'"' || c == u'\'') {
                tag_quote_ = c;
            } else if (c == u'>') {
                if (!endTag()) return false;
            } else {
                if (tag_.size() < kMaxTagChars) tag_ += c;
                if (tag_ == u"!--") {
                    state_ = State::Comment;
                    comment_dashes_ = 0;
                }
            }
            break;
        case State::Comment:
            if (c == u'>' && comment_dashes_ >= 2)
                state_ = State::Text;
            else
                comment_dashes_ = c == u'-' ? comment_dashes_ + 1 : 0;
            break;
        case State::RawText:
            if (c.toLower() == raw_end_[raw_matched_]) {
                if (++raw_matched_ == raw_end_.size()) {  // "</script": read the rest of the end tag
                    state_ = State::Tag;
                    tag_ = raw_end_.mid(1);
                    tag_quote_ = QChar();
                }
            } else {
                raw_matched_ = c == u'<' ? 1 : 0;
            }
            break;
        }
        if (c == u'\n') ++line_number_;
    }
    return true;
}

bool HtmlTextSplitter::endTag() {
    state_ = State::Text;
    const bool closing = tag_.startsWith(u'/');
    QStringView body = QStringView(tag_).mid(closing ? 1 : 0);
    qsizetype nameEnd = 0;
    while (nameEnd < body.size() && body[nameEnd].isLetterOrNumber()) ++nameEnd;
    const QString name = body.left(nameEnd).toString().toLower();
    if (!closing && (name == u"script" || name == u"style") && !tag_.endsWith(u'/')) {
        state_ = State::RawText;  // their content is code, not text
        raw_end_ = u"</"_qs + name;
        raw_matched_ = 0;
        return true;
    }
    if (name == u"br") {
        if (!paragraph_.isEmpty()) paragraph_ += u'\n';
        pending_space_ = false;
        return true;
    }
    if (name == u"td" || name == u"th") {
        pending_space_ = true;
        return true;
    }
    return isBlockElement(name) ? flush() : true;
}

bool HtmlTextSplitter::appendText(QStringView text) {
    for (QChar c : text)
        if (!appendChar(c)) return false;
    return true;
}

bool HtmlTextSplitter::appendChar(QChar c) {
    if (paragraph_.isEmpty()) {
        paragraph_start_ = line_number_;
    } else if (pending_space_ && !paragraph_.endsWith(u'\n')) {
        paragraph_ += u' ';
    }
    pending_space_ = false;
    paragraph_ += c;
    paragraph_end_ = line_number_;
    return paragraph_.size() < kMaxSegmentChars || flush();
}

bool HtmlTextSplitter::flush() {
    pending_space_ = false;
    if (paragraph_.isEmpty()) return true;
    return sink_(TextSegment{std::exchange(paragraph_, QString()), 0, paragraph_start_, paragraph_end_});
}

bool HtmlTextSplitter::finish() {
    if (state_ == State::Entity && !appendText(QStringLiteral("&") + entity_)) return false;
    state_ = State::Text;
    return flush();
}

// ---- DocxXmlSplitter ----

namespace {

// WordprocessingML's namespace (transitional, as Word writes it, and strict).
bool isWordNamespace(QStringView uri) {
    return uri == u"http://schemas.openxmlformats.org/wordprocessingml/2006/main" ||
           uri == u"http://purl.oclc.org/ooxml/wordprocessingml/main";
}

}  // namespace

bool DocxXmlSplitter::feed(QByteArrayView xml) {
    if (!error_.isEmpty()) return false;
    xml_.addData(xml.toByteArray());
    return pump();
}

bool DocxXmlSplitter::pump() {
    while (!xml_.atEnd()) {
        const QXmlStreamReader::TokenType token = xml_.readNext();
        if (token == QXmlStreamReader::Invalid) break;
        const bool word = (token == QXmlStreamReader::StartElement || token == QXmlStreamReader::EndElement) &&
                          isWordNamespace(xml_.namespaceUri());
        const QStringView name = xml_.name();
        if (token == QXmlStreamReader::StartElement && word) {
            if (name == u"t")
                in_text_ = true;
            else if (name == u"tab")
                paragraph_ += u'\t';
            else if (name == u"br" || name == u"cr")
                paragraph_ += u'\n';
        } else if (token == QXmlStreamReader::EndElement && word) {
            if (name == u"t") {
                in_text_ = false;
            } else if (name == u"p" && !isBlank(paragraph_)) {
                if (!text_.isEmpty()) text_ += u"\n\n";
                text_ += std::exchange(paragraph_, QString());
                if (text_.size() >= kMaxSegmentChars && !flush()) return false;
            } else if (name == u"p") {
                paragraph_.clear();
            }
        } else if (token == QXmlStreamReader::Characters && in_text_) {
            paragraph_ += xml_.text();
            if (paragraph_.size() >= kMaxSegmentChars) {  // one enormous run: bounded like everything else
                if (!text_.isEmpty()) text_ += u"\n\n";
                text_ += std::exchange(paragraph_, QString());
                if (!flush()) return false;
            }
        }
    }
    if (xml_.hasError() && xml_.error() != QXmlStreamReader::PrematureEndOfDocumentError) {
        error_ = QStringLiteral("%1 at line %2").arg(xml_.errorString()).arg(xml_.lineNumber());
        return false;
    }
    return true;
}

bool DocxXmlSplitter::flush() {
    if (text_.isEmpty()) return true;
    return sink_(TextSegment{std::exchange(text_, QString()), 0, 0, 0});
}

bool DocxXmlSplitter::finish() {
    if (!error_.isEmpty()) return false;
    if (xml_.hasError() || !xml_.atEnd()) {  // only a premature end is left here: the part stops mid-document
        error_ = QStringLiteral("the document ends early, at line %1").arg(xml_.lineNumber());
        return false;
    }
    if (!isBlank(paragraph_)) {
        if (!text_.isEmpty()) text_ += u"\n\n";
        text_ += std::exchange(paragraph_, QString());
    }
    return flush();
}

}  // namespace hearth::app::docs
