#include "document_corpus.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QPainter>
#include <QPdfWriter>
#include <QRandomGenerator>
#include <QStringEncoder>

#include <minizip/zip.h>

using hearth::app::docs::SearchHit;

QString filler(int words, quint32 seed) {
    static const QStringList vocabulary = QStringLiteral(
        "the a of and report island museum revenue soup garden temperature company year river city market people "
        "water light house keeper exhibit ingredient season weather north south old new small large quarterly "
        "number letter page chapter history growth plan team office road bridge harbour station morning evening "
        "winter summer forest mountain valley school library kitchen window table paper story music train ship")
                                              .split(u' ');
    QRandomGenerator rng(seed);
    QString out;
    for (int i = 0; i < words; ++i) {
        out += vocabulary[rng.bounded(int(vocabulary.size()))];
        out += (i % 13 == 12) ? QStringLiteral(". ") : QStringLiteral(" ");
    }
    return out.trimmed() + u'.';
}

bool writeFile(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

bool writePdf(const QString& path, const QStringList& pages) {
    QPdfWriter writer(path);
    writer.setPageSize(QPageSize(QPageSize::A4));
    writer.setResolution(300);
    QPainter painter(&writer);
    if (!painter.isActive()) return false;
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setPointSize(11);
    painter.setFont(font);
    for (int i = 0; i < pages.size(); ++i) {
        if (i > 0 && !writer.newPage()) return false;
        painter.drawText(QRectF(0, 0, writer.width(), writer.height()), Qt::TextWordWrap, pages[i]);
    }
    return painter.end();
}

namespace {

bool zipAdd(zipFile zip, const char* name, const QByteArray& data) {
    return zipOpenNewFileInZip(zip, name, nullptr, nullptr, 0, nullptr, 0, nullptr, Z_DEFLATED,
                               Z_DEFAULT_COMPRESSION) == ZIP_OK &&
           zipWriteInFileInZip(zip, data.constData(), unsigned(data.size())) == ZIP_OK &&
           zipCloseFileInZip(zip) == ZIP_OK;
}

}  // namespace

bool writeDocx(const QString& path, const QStringList& paragraphs, const QByteArray& documentXml) {
    QByteArray body;
    for (const QString& p : paragraphs)
        body += "<w:p><w:r><w:t xml:space=\"preserve\">" + p.toHtmlEscaped().toUtf8() + "</w:t></w:r></w:p>";
    const QByteArray document =
        !documentXml.isNull()
            ? documentXml
            : "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
              "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>" +
                  body + "</w:body></w:document>";
    zipFile zip = zipOpen(QFile::encodeName(path).constData(), APPEND_STATUS_CREATE);
    if (!zip) return false;
    const bool ok =
        zipAdd(zip, "[Content_Types].xml",
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types "
               "xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
               "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
               "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
               "<Override PartName=\"/word/document.xml\" ContentType=\"application/"
               "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>") &&
        zipAdd(zip, "_rels/.rels",
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships "
               "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" "
               "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
               "Target=\"word/document.xml\"/></Relationships>") &&
        (document.isEmpty() || zipAdd(zip, "word/document.xml", document));
    return zipClose(zip, nullptr) == ZIP_OK && ok;
}

QList<CorpusFact> writeCorpus(const QString& dir, int* txtFactLine) {
    if (!QDir().mkpath(dir + QStringLiteral("/sub"))) return {};
    // Text: the fact deep in the file, after several chunks of filler.
    QStringList txt;
    for (int i = 0; i < 8; ++i) txt << filler(120, 100 + i);
    txt.insert(5, QStringLiteral("The lighthouse keeper on Skerryvore island is named Ottoline Brack."));
    const QString txtText = txt.join(QStringLiteral("\n\n"));
    *txtFactLine = int(txtText.left(txtText.indexOf(u"Ottoline")).count(u'\n')) + 1;
    QStringEncoder utf16(QStringConverter::Utf16LE, QStringConverter::Flag::WriteBom);
    const bool written =
        writeFile(dir + QStringLiteral("/facts.txt"), txtText.toUtf8()) &&
        writeFile(dir + QStringLiteral("/sub/notes.md"),
                  ("# Garden notes\n\n" + filler(300, 200) +
                   "\n\n## Greenhouse\n\nThe greenhouse thermostat is set to 23 degrees for the "
                   "Zephyranthes orchids.\n\n" + filler(300, 201))
                      .toUtf8()) &&
        writeFile(dir + QStringLiteral("/page.html"),
                  ("<html><head><title>Museum</title><script>var quokka = 'wombat';</script></head><body>"
                   "<p>" + filler(300, 300) + "</p><p>The museum&rsquo;s oldest exhibit is a bronze astrolabe "
                   "from 1532.</p><p>" + filler(300, 301) + "</p></body></html>")
                      .toUtf8()) &&
        writePdf(dir + QStringLiteral("/report.pdf"),
                 {filler(200, 400),
                  filler(60, 401) + QStringLiteral(" The quarterly revenue of Vandermeer Logistics reached "
                                                   "7.4 million euros. ") + filler(60, 402),
                  filler(200, 403)}) &&
        writeDocx(dir + QStringLiteral("/letter.docx"),
                  {filler(150, 500), QStringLiteral("The secret ingredient in grandmother's soup is smoked "
                                                    "paprika from Extremadura."),
                   filler(150, 501)}) &&
        writeFile(dir + QStringLiteral("/latin1.txt"),
                  QStringLiteral("Die Brücke über die Weißach wurde 1887 gebaut.\n\n").toLatin1() +
                      filler(100, 600).toLatin1()) &&
        writeFile(dir + QStringLiteral("/utf16.txt"),
                  utf16.encode(QStringLiteral("The komodo dragon enclosure opens at nine.\n"))) &&
        writeFile(dir + QStringLiteral("/.hidden.txt"), "Ottoline Brack hides here too.");
    if (!written) return {};
    return {
        {QStringLiteral("Who is the lighthouse keeper on Skerryvore?"), QStringLiteral("facts.txt"),
         QStringLiteral("Ottoline Brack"), 0},
        {QStringLiteral("What temperature is the greenhouse thermostat set to?"), QStringLiteral("notes.md"),
         QStringLiteral("23 degrees"), 0},
        {QStringLiteral("What is the museum's oldest exhibit?"), QStringLiteral("page.html"),
         QStringLiteral("bronze astrolabe"), 0},
        {QStringLiteral("How much revenue did Vandermeer Logistics make?"), QStringLiteral("report.pdf"),
         QStringLiteral("Vandermeer"), 2},
        {QStringLiteral("What is the secret ingredient in the soup?"), QStringLiteral("letter.docx"),
         QStringLiteral("smoked paprika"), 0},
        {QStringLiteral("Wann wurde die Brücke über die Weißach gebaut?"), QStringLiteral("latin1.txt"),
         QStringLiteral("Weißach wurde 1887"), 0},
        {QStringLiteral("When does the komodo dragon enclosure open?"), QStringLiteral("utf16.txt"),
         QStringLiteral("komodo dragon"), 0},
    };
}

QString describe(const QList<SearchHit>& hits) {
    QStringList out;
    for (const SearchHit& h : hits)
        out << QStringLiteral("#%1/v%8 %2 p%3 l%4-%5 bm25=%6: %7")
                   .arg(h.bm25Rank)
                   .arg(QFileInfo(h.path).fileName())
                   .arg(h.page)
                   .arg(h.lineStart)
                   .arg(h.lineEnd)
                   .arg(h.bm25)
                   .arg(h.text.left(60))
                   .arg(h.vectorRank);
    return out.join(u'\n');
}

int rankOf(const QList<SearchHit>& hits, const QString& file, const QString& needle) {
    for (int i = 0; i < hits.size(); ++i)
        if (QFileInfo(hits[i].path).fileName() == file && hits[i].text.contains(needle)) return i + 1;
    return 0;
}

