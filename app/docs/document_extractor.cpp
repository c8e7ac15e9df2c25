#include "app/docs/document_extractor.h"

#include <QFile>
#include <QFileInfo>
#include <QPdfDocument>
#include <QPdfSelection>
#include <QStringDecoder>
#include <memory>

#include <minizip/unzip.h>

#include "app/docs/text_splitters.h"

namespace hearth::app::docs {

namespace {

constexpr qint64 kReadBlock = 64 * 1024;
// A DOCX's document.xml is rarely above a few MB; more than this is a zip bomb or not worth reading.
constexpr qint64 kMaxDocxXmlBytes = 512ll * 1024 * 1024;

Extraction result(Extraction::Outcome outcome, QString message = {}) { return {outcome, std::move(message)}; }

// Counts what reached the sink, so a file whose text is all whitespace ends as Empty rather than Indexed.
struct CountingSink {
    const SegmentSink& sink;
    int segments = 0;
    bool stopped = false;
    SegmentSink wrap() {
        return [this](TextSegment&& s) {
            ++segments;
            if (!sink(std::move(s))) stopped = true;
            return !stopped;
        };
    }
};

bool isWhitespaceOnly(QStringView text) {
    for (QChar c : text)
        if (!c.isSpace()) return false;
    return true;
}

}  // namespace

DocumentExtractor::Format DocumentExtractor::formatOf(const QString& path) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == u"pdf") return Format::Pdf;
    if (suffix == u"docx") return Format::Docx;
    if (suffix == u"html" || suffix == u"htm" || suffix == u"xhtml") return Format::Html;
    return Format::Text;
}

DocumentExtractor::Sniff DocumentExtractor::sniff(QByteArrayView head) {
    Sniff s;
    head = head.first(std::min(head.size(), kSniffBytes));
    if (const auto bom = QStringConverter::encodingForData(head)) {  // a BOM says it all (UTF-16 has NULs)
        s.encoding = *bom;
        return s;
    }
    // Text has no NULs and few control characters; compressed or executable data has both within a few KB.
    qsizetype controls = 0;
    for (char ch : head) {
        const auto b = static_cast<unsigned char>(ch);
        if (b == 0) {
            s.binary = true;
            return s;
        }
        if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' && b != '\v' && b != 0x1b) ++controls;
    }
    if (controls * 20 > head.size()) {  // more than 5 %
        s.binary = true;
        return s;
    }
    QStringDecoder utf8(QStringConverter::Utf8);
    const QString decoded = utf8.decode(head);  // stateful: a sequence cut at the end is not an error
    if (!utf8.hasError()) return s;
    // Not UTF-8: an 8-bit encoding. Qt 6 takes the locale's encoding on Unix to be UTF-8, which this is not, so
    // Latin-1 (it decodes every byte, and is right for most Western text); on Windows the ANSI code page knows
    // better.
#ifdef Q_OS_WIN
    s.encoding = QStringConverter::System;
#else
    s.encoding = QStringConverter::Latin1;
#endif
    return s;
}

Extraction DocumentExtractor::extract(const QString& path, const SegmentSink& sink) {
    const Format format = formatOf(path);
    if (!QFileInfo::exists(path))
        return result(Extraction::Outcome::Missing, tr("%1 disappeared before it could be read").arg(path));
    switch (format) {
    case Format::Pdf: return extractPdf(path, sink);
    case Format::Docx: return extractDocx(path, sink);
    case Format::Html:
    case Format::Text: return extractText(path, format, sink);
    }
    return result(Extraction::Outcome::Failed);
}

Extraction DocumentExtractor::extractText(const QString& path, Format format, const SegmentSink& sink) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (!file.exists())
            return result(Extraction::Outcome::Missing, tr("%1 disappeared before it could be read").arg(path));
        return result(Extraction::Outcome::Failed, tr("%1 could not be opened: %2").arg(path, file.errorString()));
    }
    QByteArray block = file.read(kSniffBytes);
    if (block.isEmpty() && file.error() == QFile::NoError)
        return result(Extraction::Outcome::Empty, tr("%1 is empty").arg(path));
    const Sniff sniffed = sniff(block);
    if (sniffed.binary)
        return result(Extraction::Outcome::Skipped,
                      tr("%1 was skipped: it is not a text document (it looks like binary data)").arg(path));

    CountingSink counting{sink};
    const SegmentSink counted = counting.wrap();
    PlainTextSplitter plain(counted);
    HtmlTextSplitter html(counted);
    auto feed = [&](QStringView text) { return format == Format::Html ? html.feed(text) : plain.feed(text); };
    QStringDecoder decoder(sniffed.encoding);
    while (!block.isEmpty()) {
        if (!feed(QString(decoder.decode(block)))) return result(Extraction::Outcome::Cancelled);
        block = file.read(kReadBlock);
    }
    if (file.error() != QFile::NoError)
        return result(Extraction::Outcome::Failed, tr("Reading %1 failed: %2").arg(path, file.errorString()));
    const bool finished = format == Format::Html ? html.finish() : plain.finish();
    if (!finished || counting.stopped) return result(Extraction::Outcome::Cancelled);
    if (counting.segments == 0) return result(Extraction::Outcome::Empty, tr("%1 contains no text").arg(path));
    return result(Extraction::Outcome::Ok);
}

Extraction DocumentExtractor::extractPdf(const QString& path, const SegmentSink& sink) {
    // PDFium repairs many broken files silently and would index half a document; a PDF must start with its
    // header and end (within its last KB, as readers allow) with %%EOF, or it was cut off.
    {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            if (!file.exists())
                return result(Extraction::Outcome::Missing, tr("%1 disappeared before it could be read").arg(path));
            return result(Extraction::Outcome::Failed,
                          tr("%1 could not be opened: %2").arg(path, file.errorString()));
        }
        if (file.size() == 0) return result(Extraction::Outcome::Empty, tr("%1 is empty").arg(path));
        const QByteArray head = file.read(1024);
        file.seek(std::max<qint64>(0, file.size() - 1024));
        const QByteArray tail = file.read(1024);
        if (!head.contains("%PDF-"))
            return result(Extraction::Outcome::Failed, tr("%1 is not a valid PDF document").arg(path));
        if (!tail.contains("%%EOF"))
            return result(Extraction::Outcome::Failed,
                          tr("%1 is truncated or damaged: the PDF has no end-of-file marker").arg(path));
    }
    QPdfDocument document;
    switch (document.load(path)) {
    case QPdfDocument::Error::None: break;
    case QPdfDocument::Error::FileNotFound:
        return result(Extraction::Outcome::Missing, tr("%1 disappeared before it could be read").arg(path));
    case QPdfDocument::Error::IncorrectPassword:
        return result(Extraction::Outcome::Failed, tr("%1 is password-protected").arg(path));
    case QPdfDocument::Error::UnsupportedSecurityScheme:
        return result(Extraction::Outcome::Failed,
                      tr("%1 is encrypted with a security scheme that cannot be read").arg(path));
    case QPdfDocument::Error::InvalidFileFormat:
        return result(Extraction::Outcome::Failed, tr("%1 is damaged or not a valid PDF document").arg(path));
    default: return result(Extraction::Outcome::Failed, tr("%1 could not be read as a PDF document").arg(path));
    }
    const int pages = document.pageCount();
    if (pages <= 0) return result(Extraction::Outcome::Failed, tr("%1 has no readable pages").arg(path));

    CountingSink counting{sink};
    const SegmentSink counted = counting.wrap();
    int page = 0;
    // Each page is split into paragraphs like text; line numbers of a page mean nothing to a reader, so only the
    // page number is kept.
    PlainTextSplitter splitter([&](TextSegment&& s) {
        if (isWhitespaceOnly(s.text)) return true;
        return counted(TextSegment{std::move(s.text), page + 1, 0, 0});
    });
    for (; page < pages; ++page) {
        const QString text = document.getAllText(page).text();
        // One page never runs into the next: a paragraph ends with its page.
        if (!splitter.feed(text) || !splitter.finish()) return result(Extraction::Outcome::Cancelled);
    }
    if (counting.segments == 0)
        return result(Extraction::Outcome::Empty,
                      tr("%1 contains no text (it may be scanned images without a text layer)").arg(path));
    return result(Extraction::Outcome::Ok);
}

Extraction DocumentExtractor::extractDocx(const QString& path, const SegmentSink& sink) {
    const std::unique_ptr<void, int (*)(unzFile)> zip(unzOpen64(QFile::encodeName(path).constData()), unzClose);
    if (!zip) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return file.exists() ? result(Extraction::Outcome::Failed,
                                          tr("%1 could not be opened: %2").arg(path, file.errorString()))
                                 : result(Extraction::Outcome::Missing,
                                          tr("%1 disappeared before it could be read").arg(path));
        if (file.size() == 0) return result(Extraction::Outcome::Empty, tr("%1 is empty").arg(path));
        // Word saves password-protected documents as an OLE compound file, not a zip.
        if (file.read(4) == QByteArray("\xD0\xCF\x11\xE0", 4))
            return result(Extraction::Outcome::Failed,
                          tr("%1 is password-protected or in the old Word format").arg(path));
        return result(Extraction::Outcome::Failed,
                      tr("%1 is damaged or not a Word document (it is not a zip archive)").arg(path));
    }
    if (unzLocateFile(zip.get(), "word/document.xml", 1) != UNZ_OK)
        return result(Extraction::Outcome::Failed,
                      tr("%1 is damaged or not a Word document (word/document.xml is missing)").arg(path));
    unz_file_info64 info{};
    if (unzGetCurrentFileInfo64(zip.get(), &info, nullptr, 0, nullptr, 0, nullptr, 0) != UNZ_OK)
        return result(Extraction::Outcome::Failed, tr("%1 is damaged").arg(path));
    if (info.flag & 1u) return result(Extraction::Outcome::Failed, tr("%1 is password-protected").arg(path));
    if (unzOpenCurrentFile(zip.get()) != UNZ_OK)
        return result(Extraction::Outcome::Failed, tr("%1 is damaged").arg(path));

    CountingSink counting{sink};
    DocxXmlSplitter splitter(counting.wrap());
    QByteArray buffer(kReadBlock, Qt::Uninitialized);
    qint64 total = 0;
    for (;;) {
        const int n = unzReadCurrentFile(zip.get(), buffer.data(), unsigned(buffer.size()));
        if (n < 0) {
            unzCloseCurrentFile(zip.get());
            return result(Extraction::Outcome::Failed,
                          tr("%1 is damaged: its text could not be decompressed").arg(path));
        }
        if (n == 0) break;
        total += n;
        if (total > kMaxDocxXmlBytes) {
            unzCloseCurrentFile(zip.get());
            return result(Extraction::Outcome::Failed, tr("%1 is too large to read").arg(path));
        }
        if (!splitter.feed(QByteArrayView(buffer.constData(), n))) break;
    }
    // unzCloseCurrentFile checks the CRC once the whole entry was read.
    const bool crcOk = unzCloseCurrentFile(zip.get()) == UNZ_OK;
    if (counting.stopped) return result(Extraction::Outcome::Cancelled);
    if (!splitter.error().isEmpty() || !splitter.finish()) {
        if (counting.stopped) return result(Extraction::Outcome::Cancelled);
        return result(Extraction::Outcome::Failed,
                      tr("%1 is damaged: its text is not valid XML (%2)").arg(path, splitter.error()));
    }
    if (!crcOk) return result(Extraction::Outcome::Failed, tr("%1 is damaged").arg(path));
    if (counting.segments == 0) return result(Extraction::Outcome::Empty, tr("%1 contains no text").arg(path));
    return result(Extraction::Outcome::Ok);
}

}  // namespace hearth::app::docs
