// Reads one file into TextSegments with provenance, choosing the reader by file name: PDF (Qt PDF, page by page),
// DOCX (minizip + QXmlStreamReader over word/document.xml), HTML (streaming tag stripper), and everything else as
// text (plain, Markdown, source code, CSV, JSON, logs...) after a sniff of its first bytes rejects binary data.
// Text is read in blocks and decoded incrementally (UTF-8; UTF-16/32 with a BOM; else Latin-1, or the locale's
// 8-bit encoding where that is not UTF-8), so memory stays bounded whatever the file's size.
// Thread-safe (no shared state); runs on the indexing thread.
#pragma once

#include <QByteArrayView>
#include <QCoreApplication>
#include <QString>
#include <QStringConverter>
#include <optional>

#include "app/docs/document_text.h"

namespace hearth::app::docs {

class DocumentExtractor {
    Q_DECLARE_TR_FUNCTIONS(DocumentExtractor)
public:
    enum class Format { Text, Html, Pdf, Docx };
    static Format formatOf(const QString& path);  // by the file name's suffix; unknown suffixes are read as text

    // What the first bytes of a would-be text file say.
    struct Sniff {
        bool binary = false;
        QStringConverter::Encoding encoding = QStringConverter::Utf8;
    };
    static Sniff sniff(QByteArrayView head);
    static constexpr qsizetype kSniffBytes = 4096;

    // Feeds the file's text to sink in order. The outcome's message names the file and says what happened; a
    // sink returning false gives Outcome::Cancelled.
    static Extraction extract(const QString& path, const SegmentSink& sink);

private:
    static Extraction extractText(const QString& path, Format format, const SegmentSink& sink);
    static Extraction extractPdf(const QString& path, const SegmentSink& sink);
    static Extraction extractDocx(const QString& path, const SegmentSink& sink);
};

}  // namespace hearth::app::docs
