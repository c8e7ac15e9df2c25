// The documents tests' corpus and helpers: a small set of documents in every format we read (text, Markdown, HTML,
// a PDF written by QPdfWriter, a DOCX written with minizip, Latin-1 and UTF-16 text) with known facts, each asked
// about by a question whose answer is in exactly one chunk; filler prose around them that shares common words.
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include "app/docs/document_index.h"

struct CorpusFact {
    QString question;
    QString file;    // the file name the answer is in
    QString needle;  // text of the answer's chunk
    int page;        // the PDF's page of it, else 0
};

// Deterministic filler prose, so that facts compete with plenty of unrelated chunks that share common words.
QString filler(int words, quint32 seed);
bool writeFile(const QString& path, const QByteArray& bytes);
bool writePdf(const QString& path, const QStringList& pages);
// A minimal valid DOCX: content types, the package relationship to the main part, and the document itself.
// documentXml: null for the document made of paragraphs, empty to leave the part out, else the part's bytes.
bool writeDocx(const QString& path, const QStringList& paragraphs, const QByteArray& documentXml = QByteArray());

// Writes the corpus into dir (which must exist), seven documents and a hidden file; returns the facts (empty if
// a file could not be written) and sets *txtFactLine to the line of facts.txt's fact.
QList<CorpusFact> writeCorpus(const QString& dir, int* txtFactLine);

// One line per hit: ranks, file, page, lines, the text's start.
QString describe(const QList<hearth::app::docs::SearchHit>& hits);
// The 1-based rank of the first hit from `file` whose text contains `needle` (0: not in hits).
int rankOf(const QList<hearth::app::docs::SearchHit>& hits, const QString& file, const QString& needle);
