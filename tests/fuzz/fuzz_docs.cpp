// libFuzzer target for the document parsers: the first byte picks the format (text after the encoding sniff,
// HTML, DOCX's word/document.xml), the second how big the pieces are that the input is fed in (the splitters must
// give the same result for any split, and never crash, hang or hold more than a bounded paragraph), and the
// segments go through the chunker with a small target. Invariants a user would notice are checked: line ranges
// in order, no empty chunk, chunks within their token target.
#include <QByteArrayView>
#include <QStringDecoder>
#include <cstdint>
#include <cstdlib>

#include "app/docs/chunker.h"
#include "app/docs/document_extractor.h"
#include "app/docs/text_splitters.h"

using namespace hearth::app::docs;

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 2) return 0;
    const int format = data[0] % 3;
    const qsizetype piece = 1 + data[1] % 64 * 17;
    const QByteArrayView input(reinterpret_cast<const char*>(data) + 2, qsizetype(size) - 2);

    constexpr int kTarget = 24;
    Chunker chunker(ChunkerOptions{kTarget, 6, approximateTokenCount}, [](Chunk&& c) {
        check(!c.text.trimmed().isEmpty());
        check(c.lineStart <= c.lineEnd && c.lineStart >= 0 && c.page >= 0);
        // A chunk is cut to the target, except one word longer than it is cut by characters: still near it.
        check(c.tokenCount <= kTarget + 4);
        return true;
    });
    int lastLine = 0;
    const SegmentSink sink = [&](TextSegment&& s) {
        check(s.lineStart <= s.lineEnd);
        check(s.lineStart >= lastLine || s.lineStart == 0);  // segments come in document order
        lastLine = s.lineEnd;
        if (format != 2) check(s.text.size() <= 2 * kMaxSegmentChars + 1);
        return chunker.add(s);
    };

    if (format == 2) {
        DocxXmlSplitter splitter(sink);
        bool ok = true;
        for (qsizetype at = 0; ok && at < input.size(); at += piece)
            ok = splitter.feed(input.sliced(at, std::min(piece, input.size() - at)));
        if (ok) splitter.finish();
    } else {
        const DocumentExtractor::Sniff sniffed = DocumentExtractor::sniff(input);
        if (sniffed.binary) return 0;
        QStringDecoder decoder(sniffed.encoding);
        PlainTextSplitter plain(sink);
        HtmlTextSplitter html(sink);
        for (qsizetype at = 0; at < input.size(); at += piece) {
            const QString text = decoder.decode(input.sliced(at, std::min(piece, input.size() - at)));
            check(format == 0 ? plain.feed(text) : html.feed(text));
        }
        check(format == 0 ? plain.finish() : html.finish());
    }
    chunker.finish();
    return 0;
}
