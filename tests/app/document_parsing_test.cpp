// The document pipeline's pure parts, on inputs whose right answer is known: paragraphs and line numbers from text
// fed in arbitrary pieces, HTML without its markup, scripts or entities, DOCX paragraphs, encoding sniffing,
// chunk sizes/overlap/page boundaries, the FTS query a hostile question becomes, reciprocal-rank fusion and the
// prompt context that must fit its token budget.
#include <QtTest>

#include "app/docs/chunker.h"
#include "app/docs/document_extractor.h"
#include "app/docs/retrieval.h"
#include "app/docs/text_splitters.h"

using namespace hearth::app::docs;

namespace {

template <typename Splitter, typename Input>
QList<TextSegment> splitInPieces(const Input& input, qsizetype piece) {
    QList<TextSegment> out;
    Splitter splitter([&](TextSegment&& s) {
        out << s;
        return true;
    });
    for (qsizetype at = 0; at < input.size(); at += piece) {
        if constexpr (std::is_same_v<Splitter, DocxXmlSplitter>)
            splitter.feed(input.mid(at, piece));
        else
            splitter.feed(QStringView(input).mid(at, piece));
    }
    splitter.finish();
    return out;
}

QString describe(const QList<TextSegment>& segments) {
    QStringList lines;
    for (const TextSegment& s : segments)
        lines << QStringLiteral("[p%1 l%2-%3] %4").arg(s.page).arg(s.lineStart).arg(s.lineEnd).arg(s.text);
    return lines.join(u'\n');
}

QString words(int n, const QString& stem = QStringLiteral("word")) {
    QStringList out;
    for (int i = 0; i < n; ++i) out << stem + QString::number(i);
    return out.join(u' ');
}

}  // namespace

class DocumentParsingTest : public QObject {
    Q_OBJECT
private slots:
    void plainTextParagraphsKeepTheirLines() {
        const QString text = QStringLiteral("Title line\r\nsecond line\r\n\r\n  \nPara two\nends here\n\n\nlast");
        const QString expected = QStringLiteral(
            "[p0 l1-2] Title line\nsecond line\n[p0 l5-6] Para two\nends here\n[p0 l9-9] last");
        // The same segments whatever the pieces the decoder hands over (a "\r\n" split included).
        for (qsizetype piece : {qsizetype(1), qsizetype(2), qsizetype(3), qsizetype(7), text.size()})
            QCOMPARE(describe(splitInPieces<PlainTextSplitter>(text, piece)), expected);
    }

    void endlessLineIsCutNotHeld() {
        const QString line(kMaxSegmentChars * 3 + 5, u'x');
        const QList<TextSegment> segments = splitInPieces<PlainTextSplitter>(line, 1000);
        QCOMPARE(segments.size(), 4);
        for (const TextSegment& s : segments) {
            QVERIFY(s.text.size() <= kMaxSegmentChars);
            QCOMPARE(s.lineStart, 1);
        }
    }

    void htmlLosesMarkupScriptsAndEntities() {
        const QString html = QStringLiteral(
            "<!DOCTYPE html>\n<html><head><title>The T&amp;C</title>\n"
            "<style>p { color: red; }</style><script>var x = \"<p>not text</p>\";</script></head>\n"
            "<body><!-- a <b>comment</b> -->\n<p class=\"a>b\">First &lt;para&gt; &#x263A; &#65;&nbsp;B</p>\n"
            "<div>Second<br>line two</div>\n<p>1 < 2 &unknown; & done</p></body></html>");
        const QString expected = QStringLiteral(
            "[p0 l2-2] The T&C\n[p0 l5-5] First <para> \u263A A B\n[p0 l6-6] Second\nline two\n"
            "[p0 l7-7] 1 < 2 &unknown; & done");
        for (qsizetype piece : {qsizetype(1), qsizetype(5), html.size()})
            QCOMPARE(describe(splitInPieces<HtmlTextSplitter>(html, piece)), expected);
    }

    void docxParagraphsTabsAndErrors() {
        const QByteArray xml =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
            "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>"
            "<w:p><w:r><w:t>Hello </w:t></w:r><w:r><w:t xml:space=\"preserve\">W\xc3\xb6rld</w:t></w:r></w:p>"
            "<w:p/><w:p><w:r><w:t>a</w:t><w:tab/><w:t>b</w:t><w:br/><w:t>c</w:t></w:r></w:p>"
            "<w:p><w:r><w:instrText>not shown</w:instrText></w:r></w:p></w:body></w:document>";
        for (qsizetype piece : {qsizetype(1), qsizetype(13), xml.size()})
            QCOMPARE(describe(splitInPieces<DocxXmlSplitter>(xml, piece)),
                     QStringLiteral("[p0 l0-0] Hello W\u00f6rld\n\na\tb\nc"));

        DocxXmlSplitter broken([](TextSegment&&) { return true; });
        QVERIFY(!broken.feed("<w:document><w:p></w:document>") || !broken.finish());
        QVERIFY(!broken.error().isEmpty());
        DocxXmlSplitter cut([](TextSegment&&) { return true; });
        QVERIFY(cut.feed(xml.left(xml.size() / 2)));
        QVERIFY(!cut.finish());
        QVERIFY2(cut.error().contains(u"ends early"), qPrintable(cut.error()));
    }

    void sniffTellsTextFromBinaryAndPicksTheEncoding() {
        QVERIFY(DocumentExtractor::sniff(QByteArray("PK\x03\x04\x14\x00\x00\x00", 8)).binary);
        QByteArray controls;
        for (int i = 0; i < 200; ++i) controls += char(i % 2 ? 0x01 : 'a');
        QVERIFY(DocumentExtractor::sniff(controls).binary);
        const QByteArray utf16 = QByteArray("\xff\xfe", 2) + QByteArray("h\0i\0", 4);
        QVERIFY(!DocumentExtractor::sniff(utf16).binary);
        QCOMPARE(DocumentExtractor::sniff(utf16).encoding, QStringConverter::Utf16LE);
        QCOMPARE(DocumentExtractor::sniff("Gr\xc3\xbc\xc3\x9f" "e").encoding, QStringConverter::Utf8);
        // "Grüße" in Latin-1 is not UTF-8; on a UTF-8 locale it falls back to Latin-1.
        QCOMPARE(DocumentExtractor::sniff("Gr\xfc\xdf" "e").encoding, QStringConverter::Latin1);
        // A multi-byte character cut at the end of the sniffed head is still UTF-8.
        QCOMPARE(DocumentExtractor::sniff("abc\xc3").encoding, QStringConverter::Utf8);
    }

    void approximateTokensCountWordsCjkAndPunctuation() {
        QCOMPARE(approximateTokenCount(u""), 0);
        QCOMPARE(approximateTokenCount(u"hello"), 2);            // 1.3 → 2
        QCOMPARE(approximateTokenCount(words(10)), 13);
        QCOMPARE(approximateTokenCount(u"你好世界"), 4);
        QCOMPARE(approximateTokenCount(u"a, b."), 4);            // 2.6 + 1.0 → 4
        QCOMPARE(approximateTokenCount(QString(40, u'x')), 10);  // a long run splits into ~4-char pieces
    }

    void chunksRespectTargetOverlapAndParagraphs() {
        // 20 paragraphs of 30 words (~39 tokens each) on lines 1, 3, 5, ...
        QStringList paragraphs;
        for (int i = 0; i < 20; ++i) paragraphs << words(30, QStringLiteral("p%1w").arg(i));
        const QString text = paragraphs.join(QStringLiteral("\n\n"));
        QList<Chunk> chunks;
        Chunker chunker(ChunkerOptions{100, 20, approximateTokenCount}, [&](Chunk&& c) {
            chunks << c;
            return true;
        });
        QVERIFY(chunker.add(TextSegment{text, 0, 1, 39}));
        QVERIFY(chunker.finish());
        QVERIFY2(chunks.size() >= 7, qPrintable(QString::number(chunks.size())));
        for (int i = 0; i < chunks.size(); ++i) {
            const Chunk& c = chunks[i];
            QVERIFY2(c.tokenCount <= 100, qPrintable(QStringLiteral("chunk %1: %2 tokens").arg(i).arg(c.tokenCount)));
            // Cut on paragraph boundaries: every chunk starts with a paragraph's first word or an overlap tail,
            // and ends with a paragraph's last word.
            QVERIFY2(c.text.endsWith(u"w29"), qPrintable(c.text.right(20)));
            QVERIFY(c.lineStart >= 1 && c.lineEnd >= c.lineStart && c.lineEnd <= 39);
            if (i > 0) {
                // Overlap: the previous chunk's last words open this one.
                const QString tail = chunks[i - 1].text.section(u' ', -3);
                QVERIFY2(c.text.contains(tail), qPrintable(tail));
            }
        }
        // Every paragraph survives whole in some chunk.
        for (const QString& p : paragraphs)
            QVERIFY(std::any_of(chunks.begin(), chunks.end(), [&](const Chunk& c) { return c.text.contains(p); }));
    }

    void longSentencesAndPagesAreCut() {
        QList<Chunk> chunks;
        Chunker chunker(ChunkerOptions{50, 10, approximateTokenCount}, [&](Chunk&& c) {
            chunks << c;
            return true;
        });
        // One 200-word sentence on page 1 (cut on words), a short one on page 2 (never merged with page 1).
        QVERIFY(chunker.add(TextSegment{words(200), 1, 0, 0}));
        QVERIFY(chunker.add(TextSegment{QStringLiteral("Page two fact."), 2, 0, 0}));
        QVERIFY(chunker.finish());
        QVERIFY(chunks.size() >= 5);
        for (const Chunk& c : chunks.first(chunks.size() - 1)) {
            QCOMPARE(c.page, 1);
            QVERIFY2(c.tokenCount <= 50, qPrintable(QString::number(c.tokenCount)));
        }
        QCOMPARE(chunks.last().page, 2);
        QCOMPARE(chunks.last().text, QStringLiteral("Page two fact."));
    }

    void chunkerStopsWhenTheSinkSaysSo() {
        int seen = 0;
        Chunker chunker(ChunkerOptions{20, 0, approximateTokenCount}, [&](Chunk&&) { return ++seen < 2; });
        bool ok = true;
        for (int i = 0; i < 20 && ok; ++i) ok = chunker.add(TextSegment{words(10) + u'.', 0, i + 1, i + 1});
        QVERIFY(!ok);
        QCOMPARE(seen, 2);
    }

    void ftsQueryQuotesEveryWordAndDropsStopWords() {
        QCOMPARE(ftsQueryFor(u"What is the capital of Freedonia?"), QStringLiteral("\"capital\" OR \"freedonia\""));
        // FTS5 operators and punctuation in the question are never syntax.
        QCOMPARE(ftsQueryFor(u"NEAR(\"foo\" bar*) -baz: col:x AND ^y OR"),
                 QStringLiteral("\"near\" OR \"foo\" OR \"bar\" OR \"baz\" OR \"col\" OR \"x\" OR \"y\""));
        QCOMPARE(ftsQueryFor(u"what is it?"), QStringLiteral("\"what\" OR \"is\" OR \"it\""));  // only stop-words
        QCOMPARE(ftsQueryFor(u"?!"), QString());
        QCOMPARE(ftsQueryFor(u"Größe größe"), QStringLiteral("\"größe\""));
    }

    void reciprocalRankFusionAddsReciprocalRanks() {
        const QList<FusedId> fused = reciprocalRankFusion({{1, 2, 3}, {3, 1}}, 60);
        QCOMPARE(fused.size(), 3);
        QCOMPARE(fused[0].id, 1);  // 1/61 + 1/62
        QCOMPARE(fused[1].id, 3);  // 1/63 + 1/61
        QCOMPARE(fused[2].id, 2);  // 1/62
        QVERIFY(qFuzzyCompare(fused[0].score, 1.0 / 61 + 1.0 / 62));
        QVERIFY(qFuzzyCompare(fused[2].score, 1.0 / 62));
    }

    void contextFitsItsBudgetAndNamesSources() {
        SearchHit pdf;
        pdf.path = QStringLiteral("/docs/report.pdf");
        pdf.page = 3;
        pdf.text = QStringLiteral("The reactor output was 42 megawatts.");
        SearchHit big;
        big.path = QStringLiteral("/docs/big.txt");
        big.lineStart = 1;
        big.lineEnd = 90;
        big.text = words(300);
        SearchHit txt;
        txt.path = QStringLiteral("/docs/notes.txt");
        txt.lineStart = 4;
        txt.lineEnd = 9;
        txt.text = QStringLiteral("Lunch is at noon.");
        SearchHit docx;
        docx.path = QStringLiteral("/docs/letter.docx");
        docx.text = QStringLiteral("Dear reader.");

        const RetrievedContext context = RetrievalContext::build({pdf, big, txt, docx}, 60);
        // The big hit would overflow the budget: skipped, the smaller ones after it still come in.
        QCOMPARE(context.used.size(), 3);
        QCOMPARE(context.text, QStringLiteral("[1] report.pdf, page 3:\nThe reactor output was 42 megawatts.\n\n"
                                              "[2] notes.txt, lines 4–9:\nLunch is at noon.\n\n"
                                              "[3] letter.docx:\nDear reader.\n\n"));
        QCOMPARE(context.tokenCount, approximateTokenCount(context.text));
        QVERIFY(context.tokenCount <= 60);
        QCOMPARE(RetrievalContext::build({pdf}, 5).used.size(), 0);  // nothing fits: nothing added
        QCOMPARE(RetrievalContext::build({pdf}, 5).tokenCount, 0);
    }
};

QTEST_GUILESS_MAIN(DocumentParsingTest)
#include "document_parsing_test.moc"
