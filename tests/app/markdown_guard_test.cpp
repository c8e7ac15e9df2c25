// MarkdownGuard: an answer rendered the way TextEdit renders Markdown (QTextDocument::setMarkdown, laid out) asks
// for no resource at all once guarded, while the same text unguarded does (so the check can fail), and what the
// user reads stays the same: links keep their targets, code keeps its characters.
#include <QAbstractTextDocumentLayout>
#include <QGuiApplication>
#include <QTest>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextFragment>

#include "app/core/markdown_guard.h"

using hearth::app::offlineMarkdown;
using hearth::app::MarkdownBlock;
using hearth::app::markdownBlocks;

namespace {

// A document that records every resource its layout asks for (images, mostly) instead of loading it.
class RecordingDocument : public QTextDocument {
public:
    QStringList requested;

protected:
    QVariant loadResource(int type, const QUrl& name) override {
        requested << QStringLiteral("%1:%2").arg(type).arg(name.toString());
        return {};
    }
};

// Renders markdown as MessageBubble does and returns the resources asked for; *plain gets the visible text.
QStringList render(const QString& markdown, QString* plain = nullptr, QStringList* anchors = nullptr) {
    RecordingDocument doc;
    doc.setMarkdown(markdown, QTextDocument::MarkdownDialectGitHub);
    doc.setTextWidth(600);
    (void)doc.documentLayout()->documentSize();  // lays out: images are sized (and so requested) here
    for (QTextBlock b = doc.begin(); b.isValid(); b = b.next()) {
        for (auto it = b.begin(); !it.atEnd(); ++it) {
            const QTextFragment f = it.fragment();
            if (anchors && f.charFormat().isAnchor()) *anchors << f.charFormat().anchorHref();
        }
    }
    if (plain) *plain = doc.toPlainText();
    return doc.requested;
}

const char* const kRemote[] = {
    "![remote image](http://example.invalid/a.png)",
    "![](https://example.invalid/empty-alt.png)",
    "![ref image][r]\n\n[r]: http://ref.example.invalid/c.png",
    "text <img src=\"https://html.example.invalid/b.png\"> text",
    "<img src=https://html.example.invalid/block.png>",
    "<table><tr><td background=\"http://bg.example.invalid/t.png\">x</td></tr></table>",
    "- item with ![nested](http://nested.example.invalid/n.png)",
    "> quote ![q](http://quote.example.invalid/q.png)",
};

}  // namespace

class MarkdownGuardTest : public QObject {
    Q_OBJECT
private slots:
    void unguardedMarkdownFetchesImages() {
        // The reason for the guard (and proof the recorder works): plain Markdown asks for its images.
        QVERIFY(!render(QString::fromUtf8(kRemote[0])).isEmpty());
        QVERIFY(!render(QString::fromUtf8(kRemote[2])).isEmpty());
    }

    void guardedMarkdownFetchesNothing() {
        for (const char* raw : kRemote) {
            const QString guarded = offlineMarkdown(QString::fromUtf8(raw));
            const QStringList requested = render(guarded);
            QVERIFY2(requested.isEmpty(), qPrintable(QStringLiteral("%1 -> %2 requested %3")
                                                         .arg(QString::fromUtf8(raw), guarded, requested.join(", "))));
        }
    }

    void imagesBecomeLinksToTheSameAddress() {
        QString plain;
        QStringList anchors;
        render(offlineMarkdown(QStringLiteral("See ![the chart](http://example.invalid/a.png) here.")), &plain,
               &anchors);
        QCOMPARE(plain, QStringLiteral("See the chart here."));
        QCOMPARE(anchors, QStringList{QStringLiteral("http://example.invalid/a.png")});

        anchors.clear();
        render(offlineMarkdown(QStringLiteral("![](https://example.invalid/x.png)")), &plain, &anchors);
        QCOMPARE(plain, QStringLiteral("https://example.invalid/x.png"));  // not an invisible empty link
        QCOMPARE(anchors, QStringList{QStringLiteral("https://example.invalid/x.png")});
    }

    void linksAndAutolinksAreUnchanged() {
        const QString text = QStringLiteral("[docs](http://docs.example.invalid/p) and <https://auto.example.invalid/> "
                                            "or <someone@example.invalid>");
        QCOMPARE(offlineMarkdown(text), text);
    }

    void rawHtmlIsShownAsText() {
        QString plain;
        render(offlineMarkdown(QStringLiteral("a <img src=\"http://x.invalid/b.png\"> b")), &plain);
        QCOMPARE(plain, QStringLiteral("a <img src=\"http://x.invalid/b.png\"> b"));
        QCOMPARE(offlineMarkdown(QStringLiteral("1 < 2 and a<b")), QStringLiteral("1 < 2 and a&lt;b"));
    }

    void codeIsLeftAsWritten() {
        const QString fenced = QStringLiteral("```markdown\n![x](http://e.invalid/a.png) <img src=y>\n```\n"
                                              "~~~~\n![y](z)\n~~~~");
        QCOMPARE(offlineMarkdown(fenced), fenced);
        QCOMPARE(offlineMarkdown(QStringLiteral("use `![alt](url)` or ``a ` <b>`` then ![i](u)")),
                 QStringLiteral("use `![alt](url)` or ``a ` <b>`` then [i](u)"));
        // An escaped "!" is no image to begin with.
        QCOMPARE(offlineMarkdown(QStringLiteral("\\![x](y)")), QStringLiteral("\\![x](y)"));
        // After the fence closes, guarding resumes.
        QCOMPARE(offlineMarkdown(QStringLiteral("```\ncode\n```\n![a](b)")), QStringLiteral("```\ncode\n```\n[a](b)"));
    }

    // The answer as the bubble shows it: prose, then each code block on its own (with its copy button).
    void answersSplitIntoProseAndCodeBlocks() {
        const QList<MarkdownBlock> blocks = markdownBlocks(QStringLiteral(
            "Here is how:\n\n```python\nprint(\"hi\")\n\nx = 1\n```\nThen ![img](http://e.invalid/i.png)\n"
            "~~~~\n```not a fence here\n~~~~\n"));
        QCOMPARE(blocks.size(), 4);
        QCOMPARE(blocks[0].code, false);
        QCOMPARE(blocks[0].text, QStringLiteral("Here is how:"));
        QCOMPARE(blocks[1].code, true);
        QCOMPARE(blocks[1].language, QStringLiteral("python"));
        QCOMPARE(blocks[1].text, QStringLiteral("print(\"hi\")\n\nx = 1"));  // verbatim, blank line kept
        QCOMPARE(blocks[2].code, false);
        QCOMPARE(blocks[2].text, QStringLiteral("Then [img](http://e.invalid/i.png)"));  // prose is guarded
        QCOMPARE(blocks[3].code, true);
        QCOMPARE(blocks[3].language, QString());
        QCOMPARE(blocks[3].text, QStringLiteral("```not a fence here"));  // only a ~~~~ closes a ~~~~ fence

        // Streaming: a fence not closed yet already shows as code.
        const QList<MarkdownBlock> partial = markdownBlocks(QStringLiteral("Run:\n```sh\nmake -j2"));
        QCOMPARE(partial.size(), 2);
        QCOMPARE(partial[1].code, true);
        QCOMPARE(partial[1].text, QStringLiteral("make -j2"));
        QVERIFY(markdownBlocks(QString()).isEmpty());
    }
};

QTEST_MAIN(MarkdownGuardTest)
#include "markdown_guard_test.moc"
