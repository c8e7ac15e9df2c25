// The text of a document as it comes out of extraction: a stream of segments, each with where it came from, and
// the outcome of reading one file. Shared by the extractors, the chunker and the index.
#pragma once

#include <QString>
#include <functional>

namespace hearth::app::docs {

// A piece of a document's text (a paragraph, or one page of a PDF), bounded in size by the extractor so that
// nothing downstream ever holds a whole file. Provenance: page 1-based for PDFs (0: the format has no pages);
// lineStart/lineEnd 1-based, inclusive, in the source file for text and HTML (0: the format has no lines).
struct TextSegment {
    QString text;
    int page = 0;
    int lineStart = 0;
    int lineEnd = 0;
};

// Receives segments in document order; returning false stops the extraction (cancellation).
using SegmentSink = std::function<bool(TextSegment&&)>;

// Written to disk (files.status in the index): values are never reused or renumbered.
enum class FileStatus : int {
    Pending = 0,   // listed, not read yet
    Indexed = 1,   // its chunks are in the index
    Empty = 2,     // readable but without any text (a status, not an error)
    Skipped = 3,   // not a document we read (binary, unsupported); message says why
    Failed = 4,    // a document we could not read (corrupt, password-protected, I/O error); message says why
    Missing = 5,   // the file was gone when we came to read it (or vanished while it was read)
};

// The outcome of reading one file. Cancelled is never stored: the file keeps its previous state.
struct Extraction {
    enum class Outcome { Ok, Empty, Skipped, Failed, Missing, Cancelled };
    Outcome outcome = Outcome::Ok;
    QString message;  // translated, for the user: what happened to this file and why
};

}  // namespace hearth::app::docs
