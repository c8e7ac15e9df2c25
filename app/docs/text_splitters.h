// Streaming parsers that turn decoded text into paragraph segments with source provenance. They hold only the
// paragraph being built (plus a bounded carry-over), so a file of any size passes through in bounded memory, and
// they do no I/O, so the fuzz target and tests drive them directly with arbitrary input.
//   PlainTextSplitter  text, Markdown, source code, CSV, JSON: paragraphs end at blank lines; lines counted.
//   HtmlTextSplitter   HTML: tags stripped, script/style/comments skipped, entities decoded, block elements end
//                      paragraphs; line numbers are those of the HTML source.
//   DocxXmlSplitter    word/document.xml of a DOCX: <w:t> text, paragraphs from <w:p>, tabs and breaks kept.
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringView>
#include <QXmlStreamReader>

#include "app/docs/document_text.h"

namespace hearth::app::docs {

// A paragraph longer than this many characters is cut into several segments (the chunker splits further; this
// only bounds memory for files without blank lines, e.g. minified JSON or a log).
inline constexpr qsizetype kMaxSegmentChars = 8192;

class PlainTextSplitter {
public:
    explicit PlainTextSplitter(SegmentSink sink) : sink_(std::move(sink)) {}
    // Feeds the next piece of decoded text (any split: mid-line, mid-paragraph). False: the sink asked to stop.
    bool feed(QStringView text);
    bool finish();

private:
    bool endLine();
    bool flush();

    SegmentSink sink_;
    QString line_;        // the current line, without its newline (bounded: cut at kMaxSegmentChars)
    QString paragraph_;   // lines of the current paragraph, joined by '\n'
    int line_number_ = 1;  // of line_
    int paragraph_start_ = 0;
    int paragraph_end_ = 0;
    bool after_cr_ = false;  // a '\r' ended the last line; a following '\n' belongs to it
};

class HtmlTextSplitter {
public:
    explicit HtmlTextSplitter(SegmentSink sink) : sink_(std::move(sink)) {}
    bool feed(QStringView html);
    bool finish();

private:
    enum class State { Text, Entity, Tag, Comment, RawText };
    bool endTag();
    bool appendText(QStringView text);
    bool appendChar(QChar c);
    bool flush();

    SegmentSink sink_;
    State state_ = State::Text;
    QString tag_;            // the tag being read, without '<' (bounded)
    QChar tag_quote_;        // the quote an attribute value inside the tag opened, or null
    QString entity_;         // after '&' (bounded)
    QString raw_end_;        // "</script" or "</style" while inside those elements
    qsizetype raw_matched_ = 0;
    qsizetype comment_dashes_ = 0;
    QString paragraph_;
    bool pending_space_ = false;
    int line_number_ = 1;    // of the source character being read
    int paragraph_start_ = 0;
    int paragraph_end_ = 0;
};

class DocxXmlSplitter {
public:
    explicit DocxXmlSplitter(SegmentSink sink) : sink_(std::move(sink)) {}
    // Feeds the next bytes of word/document.xml. False: the sink asked to stop, or the XML is broken (error()).
    bool feed(QByteArrayView xml);
    bool finish();
    QString error() const { return error_; }

private:
    bool pump();
    bool flush();

    SegmentSink sink_;
    QXmlStreamReader xml_;
    QString text_;        // paragraphs so far (bounded by kMaxSegmentChars), separated by blank lines
    QString paragraph_;
    bool in_text_ = false;
    QString error_;
};

}  // namespace hearth::app::docs
