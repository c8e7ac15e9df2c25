<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name>Catalog</name>
    <message>
        <source>The catalog is not valid JSON: %1.</source>
        <translation>Der Katalog ist kein gültiges JSON: %1.</translation>
    </message>
    <message>
        <source>The catalog has version %1; this app reads version 1.</source>
        <translation>Der Katalog hat Version %1; diese App liest Version 1.</translation>
    </message>
    <message>
        <source>The catalog entry &quot;%1&quot; lacks its id or shapes.</source>
        <translation>Dem Katalogeintrag „%1“ fehlen die ID oder die Formen.</translation>
    </message>
    <message>
        <source>The catalog file &quot;%1&quot; of %2 has no usable name, URL or size.</source>
        <translation>Die Katalogdatei „%1“ von %2 hat keinen verwendbaren Namen, keine URL oder Größe.</translation>
    </message>
    <message>
        <source>Needs %1 of %2 available · the weights alone do not fit</source>
        <translation>Benötigt %1 von %2 verfügbar · schon die Gewichte passen nicht</translation>
    </message>
    <message>
        <source>Needs %1 of %2 available · up to %3 tokens of context</source>
        <translation>Benötigt %1 von %2 verfügbar · bis zu %3 Token Kontext</translation>
    </message>
    <message>
        <source>Speed not known yet</source>
        <translation>Geschwindigkeit noch unbekannt</translation>
    </message>
    <message>
        <source>~%1 tokens/s</source>
        <translation>~%1 Token/s</translation>
    </message>
</context>
<context>
    <name>ChatView</name>
    <message>
        <source>Messages</source>
        <translation>Nachrichten</translation>
    </message>
    <message>
        <source>Message (Enter to send, Shift+Enter for a new line)</source>
        <translation>Nachricht (Enter sendet, Umschalt+Enter: neue Zeile)</translation>
    </message>
    <message>
        <source>Load a model to start chatting</source>
        <translation>Laden Sie ein Modell, um zu chatten</translation>
    </message>
    <message>
        <source>Message input</source>
        <translation>Nachrichteneingabe</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <source>Send the message</source>
        <translation>Nachricht senden</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stopp</translation>
    </message>
    <message>
        <source>Stop generating</source>
        <translation>Generierung stoppen</translation>
    </message>
    <message>
        <source>Escape</source>
        <translation>Esc</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>Neu generieren</translation>
    </message>
    <message>
        <source>Regenerate the last answer</source>
        <translation>Letzte Antwort neu generieren</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>Systemprompt</translation>
    </message>
    <message>
        <source>Hide the system prompt</source>
        <translation>Systemprompt ausblenden</translation>
    </message>
    <message>
        <source>Show the system prompt</source>
        <translation>Systemprompt einblenden</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keiner</translation>
    </message>
    <message>
        <source>(for new chats)</source>
        <translation>(für neue Chats)</translation>
    </message>
    <message>
        <source>Instructions the model follows in this chat, e.g. “Answer briefly.”</source>
        <translation>Anweisungen, denen das Modell in diesem Chat folgt, z. B. „Antworte kurz.“</translation>
    </message>
    <message>
        <source>%1 MiB</source>
        <translation>%1 MiB</translation>
    </message>
    <message>
        <source>%1 KiB</source>
        <translation>%1 KiB</translation>
    </message>
    <message>
        <source>Searching your documents…</source>
        <translation>Ihre Dokumente werden durchsucht …</translation>
    </message>
    <message>
        <source>Snippet budget: %1 tokens</source>
        <translation>Auszugsbudget: %1 Token</translation>
    </message>
    <message>
        <source>No matching snippets (budget %1 tokens)</source>
        <translation>Keine passenden Auszüge (Budget %1 Token)</translation>
    </message>
    <message>
        <source>Snippets: %1 · +%2 tokens · +%3 KV cache · budget %4 tokens</source>
        <translation>Auszüge: %1 · +%2 Token · +%3 KV-Cache · Budget %4 Token</translation>
    </message>
    <message>
        <source>Snippets: %1 · +%2 tokens · budget %3 tokens</source>
        <translation>Auszüge: %1 · +%2 Token · Budget %3 Token</translation>
    </message>
    <message>
        <source>Documents: %1</source>
        <translation>Dokumente: %1</translation>
    </message>
    <message>
        <source>Manage…</source>
        <translation>Verwalten …</translation>
    </message>
    <message>
        <source>Open the documents page</source>
        <translation>Dokumentenseite öffnen</translation>
    </message>
</context>
<context>
    <name>ContextMeter</name>
    <message>
        <source>Context</source>
        <translation>Kontext</translation>
    </message>
    <message>
        <source>%1 GiB</source>
        <translation>%1 GiB</translation>
    </message>
    <message>
        <source>%1 MiB</source>
        <translation>%1 MiB</translation>
    </message>
    <message>
        <source>%1 KiB</source>
        <translation>%1 KiB</translation>
    </message>
    <message>
        <source>%1 / %2 tokens</source>
        <translation>%1 / %2 Token</translation>
    </message>
    <message>
        <source>KV cache %1 / %2</source>
        <translation>KV-Cache %1 / %2</translation>
    </message>
    <message>
        <source>%1 tokens left</source>
        <translation>noch %1 Token</translation>
    </message>
    <message>
        <source>Context used: %1</source>
        <translation>Kontext belegt: %1</translation>
    </message>
    <message>
        <source>Context fill</source>
        <translation>Kontextfüllstand</translation>
    </message>
    <message>
        <source>Full</source>
        <translation>Voll</translation>
    </message>
</context>
<context>
    <name>DocumentExtractor</name>
    <message>
        <source>%1 disappeared before it could be read</source>
        <translation>%1 ist verschwunden, bevor es gelesen werden konnte</translation>
    </message>
    <message>
        <source>%1 could not be opened: %2</source>
        <translation>%1 konnte nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>%1 is empty</source>
        <translation>%1 ist leer</translation>
    </message>
    <message>
        <source>%1 was skipped: it is not a text document (it looks like binary data)</source>
        <translation>%1 wurde übersprungen: kein Textdokument (sieht nach Binärdaten aus)</translation>
    </message>
    <message>
        <source>Reading %1 failed: %2</source>
        <translation>Lesen von %1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>%1 contains no text</source>
        <translation>%1 enthält keinen Text</translation>
    </message>
    <message>
        <source>%1 is not a valid PDF document</source>
        <translation>%1 ist kein gültiges PDF-Dokument</translation>
    </message>
    <message>
        <source>%1 is truncated or damaged: the PDF has no end-of-file marker</source>
        <translation>%1 ist abgeschnitten oder beschädigt: dem PDF fehlt die Dateiende-Markierung</translation>
    </message>
    <message>
        <source>%1 is password-protected</source>
        <translation>%1 ist passwortgeschützt</translation>
    </message>
    <message>
        <source>%1 is encrypted with a security scheme that cannot be read</source>
        <translation>%1 ist mit einem Sicherheitsverfahren verschlüsselt, das nicht gelesen werden kann</translation>
    </message>
    <message>
        <source>%1 is damaged or not a valid PDF document</source>
        <translation>%1 ist beschädigt oder kein gültiges PDF-Dokument</translation>
    </message>
    <message>
        <source>%1 could not be read as a PDF document</source>
        <translation>%1 konnte nicht als PDF-Dokument gelesen werden</translation>
    </message>
    <message>
        <source>%1 has no readable pages</source>
        <translation>%1 hat keine lesbaren Seiten</translation>
    </message>
    <message>
        <source>%1 contains no text (it may be scanned images without a text layer)</source>
        <translation>%1 enthält keinen Text (vielleicht gescannte Bilder ohne Textebene)</translation>
    </message>
    <message>
        <source>%1 is password-protected or in the old Word format</source>
        <translation>%1 ist passwortgeschützt oder im alten Word-Format</translation>
    </message>
    <message>
        <source>%1 is damaged or not a Word document (it is not a zip archive)</source>
        <translation>%1 ist beschädigt oder kein Word-Dokument (kein ZIP-Archiv)</translation>
    </message>
    <message>
        <source>%1 is damaged or not a Word document (word/document.xml is missing)</source>
        <translation>%1 ist beschädigt oder kein Word-Dokument (word/document.xml fehlt)</translation>
    </message>
    <message>
        <source>%1 is damaged</source>
        <translation>%1 ist beschädigt</translation>
    </message>
    <message>
        <source>%1 is damaged: its text could not be decompressed</source>
        <translation>%1 ist beschädigt: der Text konnte nicht entpackt werden</translation>
    </message>
    <message>
        <source>%1 is too large to read</source>
        <translation>%1 ist zu groß zum Lesen</translation>
    </message>
    <message>
        <source>%1 is damaged: its text is not valid XML (%2)</source>
        <translation>%1 ist beschädigt: der Text ist kein gültiges XML (%2)</translation>
    </message>
</context>
<context>
    <name>DocumentFileListModel</name>
    <message>
        <source>Waiting</source>
        <translation>Ausstehend</translation>
    </message>
    <message>
        <source>Indexed</source>
        <translation>Indexiert</translation>
    </message>
    <message>
        <source>Empty</source>
        <translation>Leer</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>Übersprungen</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Missing</source>
        <translation>Fehlt</translation>
    </message>
</context>
<context>
    <name>DocumentsPage</name>
    <message>
        <source>Documents</source>
        <translation>Dokumente</translation>
    </message>
    <message>
        <source>Files: %1 · indexed: %2 · with problems: %3 · chunks: %4</source>
        <translation>Dateien: %1 · indexiert: %2 · mit Problemen: %3 · Abschnitte: %4</translation>
    </message>
    <message>
        <source>Files: %1 · indexed: %2 · chunks: %3</source>
        <translation>Dateien: %1 · indexiert: %2 · Abschnitte: %3</translation>
    </message>
    <message>
        <source>New collection name</source>
        <translation>Name der neuen Sammlung</translation>
    </message>
    <message>
        <source>Name of the new collection</source>
        <translation>Name der neuen Sammlung</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Erstellen</translation>
    </message>
    <message>
        <source>Create the collection</source>
        <translation>Sammlung erstellen</translation>
    </message>
    <message>
        <source>Snippet budget</source>
        <translation>Auszugsbudget</translation>
    </message>
    <message>
        <source>Tokens of document snippets a question may add to the prompt</source>
        <translation>Token aus Dokumentauszügen, die eine Frage dem Prompt hinzufügen darf</translation>
    </message>
    <message>
        <source>tokens</source>
        <translation>Token</translation>
    </message>
    <message>
        <source>Embedding model</source>
        <translation>Embedding-Modell</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen …</translation>
    </message>
    <message>
        <source>none (keyword search only)</source>
        <translation>keines (nur Stichwortsuche)</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Auswählen …</translation>
    </message>
    <message>
        <source>Choose an embedding model (bert or nomic-bert GGUF)</source>
        <translation>Ein Embedding-Modell auswählen (bert- oder nomic-bert-GGUF)</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Keines</translation>
    </message>
    <message>
        <source>Use keyword search only</source>
        <translation>Nur die Stichwortsuche verwenden</translation>
    </message>
    <message>
        <source>Collections</source>
        <translation>Sammlungen</translation>
    </message>
    <message>
        <source>No collections yet. Drop files or folders here, or create one.</source>
        <translation>Noch keine Sammlungen. Ziehen Sie Dateien oder Ordner hierher oder erstellen Sie eine.</translation>
    </message>
    <message>
        <source>Use in this chat</source>
        <translation>In diesem Chat verwenden</translation>
    </message>
    <message>
        <source>Use %1 in this chat</source>
        <translation>%1 in diesem Chat verwenden</translation>
    </message>
    <message>
        <source>Open a chat to use collections in it</source>
        <translation>Öffnen Sie einen Chat, um darin Sammlungen zu verwenden</translation>
    </message>
    <message>
        <source>Indexing progress of %1</source>
        <translation>Indexierungsfortschritt von %1</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>Umbenennen</translation>
    </message>
    <message>
        <source>Rename %1</source>
        <translation>%1 umbenennen</translation>
    </message>
    <message>
        <source>Re-index</source>
        <translation>Neu indexieren</translation>
    </message>
    <message>
        <source>Re-index %1</source>
        <translation>%1 neu indexieren</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Remove %1</source>
        <translation>%1 entfernen</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>Dateien</translation>
    </message>
    <message>
        <source>Add files…</source>
        <translation>Dateien hinzufügen …</translation>
    </message>
    <message>
        <source>Add files to the collection</source>
        <translation>Dateien zur Sammlung hinzufügen</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>Ordner hinzufügen …</translation>
    </message>
    <message>
        <source>Add a folder to the collection</source>
        <translation>Einen Ordner zur Sammlung hinzufügen</translation>
    </message>
    <message>
        <source>Remove %1 from the collection</source>
        <translation>%1 aus der Sammlung entfernen</translation>
    </message>
    <message>
        <source>Files of the collection</source>
        <translation>Dateien der Sammlung</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1 · chunks: %2</source>
        <translation>%1 · Abschnitte: %2</translation>
    </message>
    <message>
        <source>Progress of the documents&apos; vectors</source>
        <translation>Fortschritt der Dokumentvektoren</translation>
    </message>
    <message>
        <source>Computing vectors: %1 of %2 chunks</source>
        <translation>Vektoren werden berechnet: %1 von %2 Abschnitten</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Stop computing vectors</source>
        <translation>Vektorberechnung stoppen</translation>
    </message>
    <message>
        <source>Indexing progress</source>
        <translation>Indexierungsfortschritt</translation>
    </message>
    <message>
        <source>Indexing %1 of %2: %3</source>
        <translation>Indexierung %1 von %2: %3</translation>
    </message>
    <message>
        <source>Cancel indexing</source>
        <translation>Indexierung abbrechen</translation>
    </message>
    <message>
        <source>Drop files or folders to add them to the collection</source>
        <translation>Lassen Sie Dateien oder Ordner los, um sie der Sammlung hinzuzufügen</translation>
    </message>
    <message>
        <source>Choose an embedding model</source>
        <translation>Embedding-Modell auswählen</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF-Modelle (*.gguf)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Rename collection</source>
        <translation>Sammlung umbenennen</translation>
    </message>
    <message>
        <source>New name of the collection</source>
        <translation>Neuer Name der Sammlung</translation>
    </message>
    <message>
        <source>Remove collection</source>
        <translation>Sammlung entfernen</translation>
    </message>
    <message>
        <source>Remove the collection %1 and its index? The files on disk are not touched.</source>
        <translation>Die Sammlung %1 und ihren Index entfernen? Die Dateien auf dem Datenträger bleiben unverändert.</translation>
    </message>
</context>
<context>
    <name>EmbeddingModel</name>
    <message>
        <source>%1 could not be read as a model: %2</source>
        <translation>%1 konnte nicht als Modell gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 is not an embedding model (its architecture is “%2”); embedding models are bert or nomic-bert GGUF files such as nomic-embed-text or bge-small</source>
        <translation>%1 ist kein Embedding-Modell (seine Architektur ist „%2“); Embedding-Modelle sind bert- oder nomic-bert-GGUF-Dateien wie nomic-embed-text oder bge-small</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>%1: its tokenizer cannot be used: %2</source>
        <translation>%1: Sein Tokenizer ist nicht verwendbar: %2</translation>
    </message>
    <message>
        <source>%1 could not be loaded: %2</source>
        <translation>%1 konnte nicht geladen werden: %2</translation>
    </message>
    <message>
        <source>%1 cannot embed text: %2</source>
        <translation>%1 kann keinen Text einbetten: %2</translation>
    </message>
    <message>
        <source>The embedding model failed: %1</source>
        <translation>Das Embedding-Modell ist fehlgeschlagen: %1</translation>
    </message>
</context>
<context>
    <name>FirstRun</name>
    <message>
        <source>Welcome to Hearth</source>
        <translation>Willkommen bei Hearth</translation>
    </message>
    <message>
        <source>Chat with language models offline, on your CPU. Nothing you type leaves this computer.</source>
        <translation>Chatten Sie offline mit Sprachmodellen, auf Ihrem Prozessor. Nichts, was Sie eingeben, verlässt diesen Computer.</translation>
    </message>
    <message>
        <source>Loading the model…</source>
        <translation>Modell wird geladen …</translation>
    </message>
    <message>
        <source>Drop a .gguf file here</source>
        <translation>Ziehen Sie eine .gguf-Datei hierher</translation>
    </message>
    <message>
        <source>Open model…</source>
        <translation>Modell öffnen …</translation>
    </message>
    <message>
        <source>Open a model file</source>
        <translation>Eine Modelldatei öffnen</translation>
    </message>
    <message>
        <source>Browse models…</source>
        <translation>Modelle durchsuchen …</translation>
    </message>
    <message>
        <source>Choose a model to download from the catalog</source>
        <translation>Ein Modell aus dem Katalog zum Herunterladen auswählen</translation>
    </message>
    <message>
        <source>The models page lists models that run on this computer, with how much memory each needs and how fast it will answer. Any GGUF model file works too, for example a small one such as ../shared/models/stories260K.gguf to try it out.</source>
        <translation>Die Modellseite zeigt Modelle, die auf diesem Computer laufen, mit ihrem Speicherbedarf und ihrer Antwortgeschwindigkeit. Jede GGUF-Modelldatei funktioniert ebenfalls, zum Ausprobieren etwa eine kleine wie ../shared/models/stories260K.gguf.</translation>
    </message>
</context>
<context>
    <name>Indexing</name>
    <message>
        <source>%1 disappeared before it could be read</source>
        <translation>%1 ist verschwunden, bevor es gelesen werden konnte</translation>
    </message>
    <message>
        <source>%1 could not be read</source>
        <translation>%1 konnte nicht gelesen werden</translation>
    </message>
    <message>
        <source>%1 disappeared while it was being read</source>
        <translation>%1 ist während des Lesens verschwunden</translation>
    </message>
</context>
<context>
    <name>LicencesPage</name>
    <message>
        <source>Licences</source>
        <translation>Lizenzen</translation>
    </message>
    <message>
        <source>Public domain</source>
        <translation>Gemeinfrei</translation>
    </message>
    <message>
        <source>Hearth</source>
        <translation>Hearth</translation>
    </message>
    <message>
        <source>Libraries</source>
        <translation>Bibliotheken</translation>
    </message>
    <message>
        <source>%1, licence %2</source>
        <translation>%1, Lizenz %2</translation>
    </message>
    <message>
        <source>Models in the catalog</source>
        <translation>Modelle im Katalog</translation>
    </message>
    <message>
        <source>Each model has its own licence; read it before you use the model.</source>
        <translation>Jedes Modell hat seine eigene Lizenz; lesen Sie sie, bevor Sie das Modell verwenden.</translation>
    </message>
    <message>
        <source>Hearth is free software under the MIT licence:</source>
        <translation>Hearth ist freie Software unter der MIT-Lizenz:</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>Hearth — %1</source>
        <translation>Hearth – %1</translation>
    </message>
    <message>
        <source>Hearth</source>
        <translation>Hearth</translation>
    </message>
    <message>
        <source>Loading model…</source>
        <translation>Modell wird geladen …</translation>
    </message>
    <message>
        <source>No model loaded</source>
        <translation>Kein Modell geladen</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Model loading progress</source>
        <translation>Ladefortschritt des Modells</translation>
    </message>
    <message>
        <source>Open model…</source>
        <translation>Modell öffnen …</translation>
    </message>
    <message>
        <source>Open a model file</source>
        <translation>Eine Modelldatei öffnen</translation>
    </message>
    <message>
        <source>Unload</source>
        <translation>Entladen</translation>
    </message>
    <message>
        <source>Unload the model</source>
        <translation>Modell entladen</translation>
    </message>
    <message>
        <source>Open a GGUF model</source>
        <translation>GGUF-Modell öffnen</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF-Modelle (*.gguf)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Close the error message</source>
        <translation>Fehlermeldung schließen</translation>
    </message>
    <message>
        <source>The context is full (%1 of %2 tokens). Drop the oldest turns to continue? The system prompt is kept.</source>
        <translation>Der Kontext ist voll (%1 von %2 Token). Die ältesten Gesprächsrunden verwerfen, um fortzufahren? Der Systemprompt bleibt erhalten.</translation>
    </message>
    <message>
        <source>Drop oldest turns</source>
        <translation>Älteste Runden verwerfen</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stopp</translation>
    </message>
    <message>
        <source>Stop this conversation here</source>
        <translation>Diese Unterhaltung hier beenden</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>Neuer Chat</translation>
    </message>
    <message>
        <source>Start a new chat</source>
        <translation>Einen neuen Chat beginnen</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Open the settings</source>
        <translation>Einstellungen öffnen</translation>
    </message>
    <message>
        <source>Ctrl+,</source>
        <translation>Strg+,</translation>
    </message>
    <message>
        <source>Not loaded: %1. Loading it anyway may make the computer very slow.</source>
        <translation>Nicht geladen: %1. Wird es trotzdem geladen, kann der Computer sehr langsam werden.</translation>
    </message>
    <message>
        <source>Model too large</source>
        <translation>Modell zu groß</translation>
    </message>
    <message>
        <source>Load anyway</source>
        <translation>Trotzdem laden</translation>
    </message>
    <message>
        <source>Load the model anyway</source>
        <translation>Das Modell trotzdem laden</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Do not load the model</source>
        <translation>Das Modell nicht laden</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>Modelle</translation>
    </message>
    <message>
        <source>Open the models page: catalog and models on this computer</source>
        <translation>Modellseite öffnen: Katalog und Modelle auf diesem Computer</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <source>Export this chat</source>
        <translation>Diesen Chat exportieren</translation>
    </message>
    <message>
        <source>As Markdown…</source>
        <translation>Als Markdown …</translation>
    </message>
    <message>
        <source>As JSON…</source>
        <translation>Als JSON …</translation>
    </message>
    <message>
        <source>Export the chat as JSON</source>
        <translation>Chat als JSON exportieren</translation>
    </message>
    <message>
        <source>Export the chat as Markdown</source>
        <translation>Chat als Markdown exportieren</translation>
    </message>
    <message>
        <source>JSON files (*.json)</source>
        <translation>JSON-Dateien (*.json)</translation>
    </message>
    <message>
        <source>Markdown files (*.md)</source>
        <translation>Markdown-Dateien (*.md)</translation>
    </message>
    <message>
        <source>Documents (%1)</source>
        <translation>Dokumente (%1)</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>Dokumente</translation>
    </message>
    <message>
        <source>Open the documents page: collections this chat can draw on</source>
        <translation>Dokumentenseite öffnen: Sammlungen, auf die dieser Chat zurückgreifen kann</translation>
    </message>
    <message>
        <source>Drop a .gguf file to load it, or documents to use them in this chat</source>
        <translation>Lassen Sie eine .gguf-Datei los, um sie zu laden, oder Dokumente, um sie in diesem Chat zu verwenden</translation>
    </message>
</context>
<context>
    <name>MessageBubble</name>
    <message>
        <source>Your message</source>
        <translation>Ihre Nachricht</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>Antwort</translation>
    </message>
    <message>
        <source>Edit the message</source>
        <translation>Nachricht bearbeiten</translation>
    </message>
    <message>
        <source>Generating</source>
        <translation>Wird generiert</translation>
    </message>
    <message>
        <source>Previous version</source>
        <translation>Vorherige Version</translation>
    </message>
    <message>
        <source>%1/%2</source>
        <translation>%1/%2</translation>
    </message>
    <message>
        <source>Version %1 of %2</source>
        <translation>Version %1 von %2</translation>
    </message>
    <message>
        <source>Next version</source>
        <translation>Nächste Version</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Copy the message</source>
        <translation>Nachricht kopieren</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Bearbeiten</translation>
    </message>
    <message>
        <source>Edit and resend the message</source>
        <translation>Nachricht bearbeiten und erneut senden</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Cancel the edit</source>
        <translation>Bearbeitung abbrechen</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <source>Send the edited message</source>
        <translation>Bearbeitete Nachricht senden</translation>
    </message>
    <message>
        <source>Copy code</source>
        <translation>Code kopieren</translation>
    </message>
    <message>
        <source>Copy the code</source>
        <translation>Den Code kopieren</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>BM25 #%1</source>
        <translation>BM25 #%1</translation>
    </message>
    <message>
        <source>vector #%1</source>
        <translation>Vektor #%1</translation>
    </message>
    <message>
        <source>Sources</source>
        <translation>Quellen</translation>
    </message>
    <message>
        <source>[%1] %2</source>
        <translation>[%1] %2</translation>
    </message>
    <message>
        <source>Open %1</source>
        <translation>%1 öffnen</translation>
    </message>
    <message>
        <source>Hide snippet</source>
        <translation>Auszug ausblenden</translation>
    </message>
    <message>
        <source>Show snippet</source>
        <translation>Auszug einblenden</translation>
    </message>
    <message>
        <source>Snippet</source>
        <translation>Auszug</translation>
    </message>
</context>
<context>
    <name>ModelsPage</name>
    <message>
        <source>Models</source>
        <translation>Modelle</translation>
    </message>
    <message>
        <source>Fits</source>
        <translation>Passt</translation>
    </message>
    <message>
        <source>Tight</source>
        <translation>Knapp</translation>
    </message>
    <message>
        <source>Won&apos;t fit</source>
        <translation>Passt nicht</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Unbekannt</translation>
    </message>
    <message>
        <source>Licences…</source>
        <translation>Lizenzen …</translation>
    </message>
    <message>
        <source>Show the licences of Hearth, its libraries and the models</source>
        <translation>Lizenzen von Hearth, seinen Bibliotheken und den Modellen anzeigen</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Catalog</source>
        <translation>Katalog</translation>
    </message>
    <message>
        <source>Model catalog</source>
        <translation>Modellkatalog</translation>
    </message>
    <message>
        <source>On this computer</source>
        <translation>Auf diesem Computer</translation>
    </message>
    <message>
        <source>Models on this computer</source>
        <translation>Modelle auf diesem Computer</translation>
    </message>
    <message>
        <source>Search models</source>
        <translation>Modelle suchen</translation>
    </message>
    <message>
        <source>Search the catalog</source>
        <translation>Katalog durchsuchen</translation>
    </message>
    <message>
        <source>Fits in memory</source>
        <translation>Passt in den Speicher</translation>
    </message>
    <message>
        <source>Show only models that fit in memory</source>
        <translation>Nur Modelle anzeigen, die in den Speicher passen</translation>
    </message>
    <message>
        <source>Hide unsupported</source>
        <translation>Nicht unterstützte ausblenden</translation>
    </message>
    <message>
        <source>Hide models this app cannot run yet</source>
        <translation>Modelle ausblenden, die diese App noch nicht ausführen kann</translation>
    </message>
    <message>
        <source>No model matches the filters.</source>
        <translation>Kein Modell entspricht den Filtern.</translation>
    </message>
    <message>
        <source>%1 (recommended)</source>
        <translation>%1 (empfohlen)</translation>
    </message>
    <message>
        <source>Licence %1</source>
        <translation>Lizenz %1</translation>
    </message>
    <message>
        <source>Not supported yet: %1</source>
        <translation>Noch nicht unterstützt: %1</translation>
    </message>
    <message>
        <source>Download progress of %1</source>
        <translation>Downloadfortschritt von %1</translation>
    </message>
    <message>
        <source>Installed</source>
        <translation>Installiert</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Erneut versuchen</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>Herunterladen</translation>
    </message>
    <message>
        <source>Download %1 %2</source>
        <translation>%1 %2 herunterladen</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Anhalten</translation>
    </message>
    <message>
        <source>Pause the download of %1</source>
        <translation>Download von %1 anhalten</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>Resume the download of %1</source>
        <translation>Download von %1 fortsetzen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Cancel the download of %1</source>
        <translation>Download von %1 abbrechen</translation>
    </message>
    <message>
        <source>Load</source>
        <translation>Laden</translation>
    </message>
    <message>
        <source>Load %1 %2</source>
        <translation>%1 %2 laden</translation>
    </message>
    <message>
        <source>Download source</source>
        <translation>Downloadquelle</translation>
    </message>
    <message>
        <source>Hub address</source>
        <translation>Hub-Adresse</translation>
    </message>
    <message>
        <source>Hub address, for a mirror</source>
        <translation>Hub-Adresse, für einen Spiegelserver</translation>
    </message>
    <message>
        <source>Default</source>
        <translation>Standard</translation>
    </message>
    <message>
        <source>Use the default hub address</source>
        <translation>Die Standard-Hub-Adresse verwenden</translation>
    </message>
    <message>
        <source>Access token</source>
        <translation>Zugriffstoken</translation>
    </message>
    <message>
        <source>A token is saved</source>
        <translation>Ein Token ist gespeichert</translation>
    </message>
    <message>
        <source>Only for gated models</source>
        <translation>Nur für zugangsbeschränkte Modelle</translation>
    </message>
    <message>
        <source>Hub access token</source>
        <translation>Hub-Zugriffstoken</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <source>Forget</source>
        <translation>Vergessen</translation>
    </message>
    <message>
        <source>Save the access token</source>
        <translation>Zugriffstoken speichern</translation>
    </message>
    <message>
        <source>Forget the access token</source>
        <translation>Zugriffstoken vergessen</translation>
    </message>
    <message>
        <source>Folder: %1</source>
        <translation>Ordner: %1</translation>
    </message>
    <message>
        <source>Move instead of copy</source>
        <translation>Verschieben statt kopieren</translation>
    </message>
    <message>
        <source>Move imported files instead of copying them</source>
        <translation>Importierte Dateien verschieben statt kopieren</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>Wird importiert …</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>Importieren …</translation>
    </message>
    <message>
        <source>Import a GGUF model file</source>
        <translation>Eine GGUF-Modelldatei importieren</translation>
    </message>
    <message>
        <source>No models here yet. Download one from the catalog, import a .gguf file, or drop one onto this page.</source>
        <translation>Noch keine Modelle vorhanden. Laden Sie eines aus dem Katalog herunter, importieren Sie eine .gguf-Datei oder ziehen Sie eine auf diese Seite.</translation>
    </message>
    <message>
        <source>Tensor types: %1</source>
        <translation>Tensortypen: %1</translation>
    </message>
    <message>
        <source>Cannot be loaded: %1</source>
        <translation>Kann nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Löschen …</translation>
    </message>
    <message>
        <source>Delete %1</source>
        <translation>%1 löschen</translation>
    </message>
    <message>
        <source>Load %1</source>
        <translation>%1 laden</translation>
    </message>
    <message>
        <source>Drop the .gguf file to add it to your models</source>
        <translation>Lassen Sie die .gguf-Datei los, um sie Ihren Modellen hinzuzufügen</translation>
    </message>
    <message>
        <source>Import a GGUF model</source>
        <translation>GGUF-Modell importieren</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF-Modelle (*.gguf)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Delete model</source>
        <translation>Modell löschen</translation>
    </message>
    <message>
        <source>Delete %1 from the models folder? This cannot be undone.</source>
        <translation>%1 aus dem Modellordner löschen? Das kann nicht rückgängig gemacht werden.</translation>
    </message>
    <message>
        <source>Any size</source>
        <translation>Beliebige Größe</translation>
    </message>
    <message>
        <source>Up to %1</source>
        <translation>Bis %1</translation>
    </message>
    <message>
        <source>Largest file size to show</source>
        <translation>Größte anzuzeigende Dateigröße</translation>
    </message>
    <message>
        <source>Add a .gguf file by its address (hub or mirror)</source>
        <translation>.gguf-Datei über ihre Adresse hinzufügen (Hub oder Spiegelserver)</translation>
    </message>
    <message>
        <source>Address of a GGUF file to add</source>
        <translation>Adresse einer hinzuzufügenden GGUF-Datei</translation>
    </message>
    <message>
        <source>Reading…</source>
        <translation>Wird gelesen …</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <source>Read the file&apos;s header and add it to the list</source>
        <translation>Den Dateikopf lesen und die Datei zur Liste hinzufügen</translation>
    </message>
    <message>
        <source>Added by its address, from %1 · %2 parameters</source>
        <translation>Über die Adresse hinzugefügt, aus %1 · %2 Parameter</translation>
    </message>
    <message>
        <source>Could not read the file&apos;s header: %1</source>
        <translation>Der Dateikopf konnte nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Size and shapes not confirmed; the download is checked against the server.</source>
        <translation>Größe und Formen nicht bestätigt; der Download wird mit dem Server abgeglichen.</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Wird geprüft …</translation>
    </message>
    <message>
        <source>Check the file</source>
        <translation>Datei prüfen</translation>
    </message>
    <message>
        <source>Read the header of %1 %2 from the server</source>
        <translation>Dateikopf von %1 %2 vom Server lesen</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Remove %1 from the list</source>
        <translation>%1 aus der Liste entfernen</translation>
    </message>
    <message>
        <source>Remove added model</source>
        <translation>Hinzugefügtes Modell entfernen</translation>
    </message>
    <message>
        <source>Remove %1 from the list? The part downloaded so far will be deleted.</source>
        <translation>%1 aus der Liste entfernen? Der bisher heruntergeladene Teil wird gelöscht.</translation>
    </message>
</context>
<context>
    <name>RemoteGguf</name>
    <message>
        <source>Cannot read &quot;%1&quot;: not an http or https address.</source>
        <translation>„%1“ kann nicht gelesen werden: keine http- oder https-Adresse.</translation>
    </message>
    <message>
        <source>Too many redirects from %1.</source>
        <translation>Zu viele Weiterleitungen von %1.</translation>
    </message>
    <message>
        <source>Refused the redirect from %1 to the insecure address %2.</source>
        <translation>Weiterleitung von %1 an die unsichere Adresse %2 abgelehnt.</translation>
    </message>
    <message>
        <source>The server answered HTTP %1 %2 for %3.</source>
        <translation>Der Server antwortete mit HTTP %1 %2 für %3.</translation>
    </message>
    <message>
        <source>The repository may be gated: accept its terms on the hub&apos;s page, then set an access token on the Models page.</source>
        <translation>Das Repository ist möglicherweise zugangsbeschränkt: Akzeptieren Sie seine Bedingungen auf seiner Seite im Hub und legen Sie dann auf der Modellseite ein Zugriffstoken fest.</translation>
    </message>
    <message>
        <source>Reading the header of %1 failed: %2.</source>
        <translation>Der Dateikopf von %1 konnte nicht gelesen werden: %2.</translation>
    </message>
    <message>
        <source>The server answered HTTP %1 for %2, which is not a file.</source>
        <translation>Der Server antwortete mit HTTP %1 für %2; das ist keine Datei.</translation>
    </message>
    <message>
        <source>%1 is not a usable GGUF file: %2</source>
        <translation>%1 ist keine verwendbare GGUF-Datei: %2</translation>
    </message>
    <message>
        <source>The server at %1 does not support range requests, and the GGUF header was not within the first %2 it sent.</source>
        <translation>Der Server unter %1 unterstützt keine Range-Anfragen, und der GGUF-Dateikopf war nicht in den ersten %2, die er gesendet hat.</translation>
    </message>
    <message>
        <source>The GGUF header of %1 is larger than %2; not read.</source>
        <translation>Der GGUF-Dateikopf von %1 ist größer als %2 und wurde nicht gelesen.</translation>
    </message>
    <message>
        <source>Reading the header of %1 took longer than %2 s; the server is too slow or stalled.</source>
        <translation>Das Lesen des Dateikopfs von %1 dauerte länger als %2 s; der Server ist zu langsam oder reagiert nicht mehr.</translation>
    </message>
</context>
<context>
    <name>RetrievalContext</name>
    <message>
        <source>%1, page %2</source>
        <translation>%1, Seite %2</translation>
    </message>
    <message>
        <source>%1, lines %2–%3</source>
        <translation>%1, Zeilen %2–%3</translation>
    </message>
    <message>
        <source>%1, line %2</source>
        <translation>%1, Zeile %2</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Performance</source>
        <translation>Leistung</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>Threads</translation>
    </message>
    <message>
        <source>Default: %1 (the physical cores). More threads than cores rarely help.</source>
        <translation>Standard: %1 (die physischen Kerne). Mehr Threads als Kerne helfen selten.</translation>
    </message>
    <message>
        <source>Context length</source>
        <translation>Kontextlänge</translation>
    </message>
    <message>
        <source>Context length in tokens</source>
        <translation>Kontextlänge in Token</translation>
    </message>
    <message>
        <source>Tokens the model can see at once; capped at the model&apos;s training length. The KV cache for all of them is allocated when the model loads.</source>
        <translation>Token, die das Modell gleichzeitig sehen kann; begrenzt auf die Trainingslänge des Modells. Der KV-Cache für alle wird beim Laden des Modells reserviert.</translation>
    </message>
    <message>
        <source>KV cache type</source>
        <translation>KV-Cache-Typ</translation>
    </message>
    <message>
        <source>Q8_0 halves the KV cache memory, at a very small cost in quality.</source>
        <translation>Q8_0 halbiert den Speicher des KV-Caches, bei sehr geringem Qualitätsverlust.</translation>
    </message>
    <message>
        <source>The loaded model still uses the previous threads, context or KV cache type.</source>
        <translation>Das geladene Modell verwendet noch die bisherigen Threads, Kontextlänge oder den bisherigen KV-Cache-Typ.</translation>
    </message>
    <message>
        <source>Reload model to apply</source>
        <translation>Modell neu laden, um anzuwenden</translation>
    </message>
    <message>
        <source>Sampling</source>
        <translation>Sampling</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>Temperatur</translation>
    </message>
    <message>
        <source>0 always picks the most likely token; higher is more varied.</source>
        <translation>0 wählt immer das wahrscheinlichste Token; höhere Werte sorgen für mehr Abwechslung.</translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <source>Min-p</source>
        <translation>Min-p</translation>
    </message>
    <message>
        <source>Repeat penalty</source>
        <translation>Wiederholungsstrafe</translation>
    </message>
    <message>
        <source>Top-k 0, top-p 1, min-p 0 and repeat penalty 1 turn that filter off.</source>
        <translation>Top-k 0, Top-p 1, Min-p 0 und Wiederholungsstrafe 1 schalten den jeweiligen Filter aus.</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Seed</translation>
    </message>
    <message>
        <source>0: a new random seed for every answer; any other number repeats the same answer.</source>
        <translation>0: ein neuer zufälliger Seed für jede Antwort; jede andere Zahl wiederholt dieselbe Antwort.</translation>
    </message>
    <message>
        <source>Maximum answer length</source>
        <translation>Maximale Antwortlänge</translation>
    </message>
    <message>
        <source>Maximum answer length in tokens</source>
        <translation>Maximale Antwortlänge in Token</translation>
    </message>
    <message>
        <source>No limit</source>
        <translation>Unbegrenzt</translation>
    </message>
    <message>
        <source>No limit on the answer length</source>
        <translation>Keine Begrenzung der Antwortlänge</translation>
    </message>
    <message>
        <source>New chats</source>
        <translation>Neue Chats</translation>
    </message>
    <message>
        <source>Default system prompt</source>
        <translation>Standard-Systemprompt</translation>
    </message>
    <message>
        <source>Instructions every new chat starts with (each chat can change its own)</source>
        <translation>Anweisungen, mit denen jeder neue Chat beginnt (jeder Chat kann seine eigenen ändern)</translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation>Darstellung</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>Design</translation>
    </message>
    <message>
        <source>System</source>
        <translation>System</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Hell</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Dunkel</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>Modelle</translation>
    </message>
    <message>
        <source>Models folder</source>
        <translation>Modellordner</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Auswählen …</translation>
    </message>
    <message>
        <source>Choose the models folder</source>
        <translation>Modellordner auswählen</translation>
    </message>
    <message>
        <source>Settings error</source>
        <translation>Fehler in den Einstellungen</translation>
    </message>
    <message>
        <source>Reset to defaults</source>
        <translation>Auf Standardwerte zurücksetzen</translation>
    </message>
    <message>
        <source>Reset all settings to their defaults</source>
        <translation>Alle Einstellungen auf ihre Standardwerte zurücksetzen</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <source>New chat</source>
        <translation>Neuer Chat</translation>
    </message>
    <message>
        <source>Ctrl+N</source>
        <translation>Strg+N</translation>
    </message>
    <message>
        <source>Search chats</source>
        <translation>Chats durchsuchen</translation>
    </message>
    <message>
        <source>Search chats by title</source>
        <translation>Chats nach Titel durchsuchen</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>Unterhaltungen</translation>
    </message>
    <message>
        <source>Actions for %1</source>
        <translation>Aktionen für %1</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>Umbenennen …</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Löschen …</translation>
    </message>
    <message>
        <source>Rename chat</source>
        <translation>Chat umbenennen</translation>
    </message>
    <message>
        <source>New title</source>
        <translation>Neuer Titel</translation>
    </message>
    <message>
        <source>Delete chat?</source>
        <translation>Chat löschen?</translation>
    </message>
    <message>
        <source>“%1” and all its messages will be deleted.</source>
        <translation>„%1“ und alle zugehörigen Nachrichten werden gelöscht.</translation>
    </message>
</context>
<context>
    <name>SpeedPanel</name>
    <message>
        <source>Speed</source>
        <translation>Geschwindigkeit</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>%1 GB/s (%2 % of %3)</source>
        <translation>%1 GB/s (%2 % von %3)</translation>
    </message>
    <message>
        <source>%1 GB/s</source>
        <translation>%1 GB/s</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>Prompt</translation>
    </message>
    <message>
        <source>%1 tok/s</source>
        <translation>%1 tok/s</translation>
    </message>
    <message>
        <source>Prompt processing speed: %1 tokens per second</source>
        <translation>Prompt-Verarbeitung: %1 Token pro Sekunde</translation>
    </message>
    <message>
        <source>Generation</source>
        <translation>Generierung</translation>
    </message>
    <message>
        <source>Generation speed: %1 tokens per second</source>
        <translation>Generierungsgeschwindigkeit: %1 Token pro Sekunde</translation>
    </message>
    <message>
        <source>First token</source>
        <translation>Erstes Token</translation>
    </message>
    <message>
        <source>Time to first token: %1</source>
        <translation>Zeit bis zum ersten Token: %1</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>Speicher</translation>
    </message>
    <message>
        <source>Memory bandwidth used: %1</source>
        <translation>Genutzte Speicherbandbreite: %1</translation>
    </message>
    <message>
        <source>Generation speed over the answer</source>
        <translation>Generierungsgeschwindigkeit im Verlauf der Antwort</translation>
    </message>
    <message>
        <source>measuring…</source>
        <translation>wird gemessen …</translation>
    </message>
    <message>
        <source>%1 GB/s, measured %2</source>
        <translation>%1 GB/s, gemessen %2</translation>
    </message>
    <message>
        <source>Machine</source>
        <translation>Rechner</translation>
    </message>
    <message>
        <source>Measured memory read bandwidth: %1</source>
        <translation>Gemessene Speicher-Lesebandbreite: %1</translation>
    </message>
    <message>
        <source>Re-measure</source>
        <translation>Neu messen</translation>
    </message>
    <message>
        <source>Measure the memory bandwidth again</source>
        <translation>Speicherbandbreite erneut messen</translation>
    </message>
</context>
<context>
    <name>hearth::app::CatalogModel</name>
    <message numerus="yes">
        <source>%n s left</source>
        <translation>
            <numerusform>noch %n s</numerusform>
            <numerusform>noch %n s</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n min left</source>
        <translation>
            <numerusform>noch %n min</numerusform>
            <numerusform>noch %n min</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n h left</source>
        <translation>
            <numerusform>noch %n h</numerusform>
            <numerusform>noch %n h</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 of %2 downloaded</source>
        <translation>%1 von %2 heruntergeladen</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <source> · %1/s</source>
        <translation> · %1/s</translation>
    </message>
    <message>
        <source>Waiting for another download to finish</source>
        <translation>Wartet, bis ein anderer Download fertig ist</translation>
    </message>
    <message>
        <source>Checking the file (SHA-256 and GGUF)…</source>
        <translation>Datei wird geprüft (SHA-256 und GGUF) …</translation>
    </message>
    <message>
        <source>Paused at %1 of %2</source>
        <translation>Angehalten bei %1 von %2</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>Downloaded and verified</source>
        <translation>Heruntergeladen und geprüft</translation>
    </message>
    <message>
        <source>Downloaded</source>
        <translation>Heruntergeladen</translation>
    </message>
    <message>
        <source>Fast %1 kernels for %2</source>
        <translation>Schnelle %1-Kernel für %2</translation>
    </message>
    <message>
        <source>No fast kernels for %1 on this CPU</source>
        <translation>Keine schnellen Kernel für %1 auf diesem Prozessor</translation>
    </message>
</context>
<context>
    <name>hearth::app::ChatController</name>
    <message>
        <source>Wait for the answer to finish (or stop it) before loading another model</source>
        <translation>Warten Sie, bis die Antwort fertig ist (oder stoppen Sie sie), bevor Sie ein anderes Modell laden</translation>
    </message>
    <message>
        <source>Choose a file name to export the chat to (got &quot;%1&quot;).</source>
        <translation>Wählen Sie einen Dateinamen für den Export des Chats (erhalten: „%1“).</translation>
    </message>
    <message>
        <source>Your documents could not be searched: %1</source>
        <translation>Ihre Dokumente konnten nicht durchsucht werden: %1</translation>
    </message>
    <message>
        <source>Only files on this computer can be added: %1</source>
        <translation>Nur Dateien auf diesem Computer können hinzugefügt werden: %1</translation>
    </message>
    <message>
        <source>Documents cannot be added in this window</source>
        <translation>In diesem Fenster können keine Dokumente hinzugefügt werden</translation>
    </message>
</context>
<context>
    <name>hearth::app::DocumentsController</name>
    <message>
        <source>The documents index cannot be opened: %1</source>
        <translation>Der Dokumentindex kann nicht geöffnet werden: %1</translation>
    </message>
    <message>
        <source>Computing the documents&apos; vectors stopped: %1</source>
        <translation>Die Berechnung der Dokumentvektoren wurde gestoppt: %1</translation>
    </message>
    <message>
        <source>A collection needs a name</source>
        <translation>Eine Sammlung braucht einen Namen</translation>
    </message>
    <message>
        <source>A collection named “%1” already exists</source>
        <translation>Eine Sammlung namens „%1“ existiert bereits</translation>
    </message>
    <message>
        <source>Could not create the collection: %1</source>
        <translation>Die Sammlung konnte nicht erstellt werden: %1</translation>
    </message>
    <message>
        <source>Created the collection “%1”</source>
        <translation>Sammlung „%1“ erstellt</translation>
    </message>
    <message>
        <source>Could not rename the collection: %1</source>
        <translation>Die Sammlung konnte nicht umbenannt werden: %1</translation>
    </message>
    <message>
        <source>Could not remove the collection: %1</source>
        <translation>Die Sammlung konnte nicht entfernt werden: %1</translation>
    </message>
    <message>
        <source>Nothing to add: drop files or folders from this computer</source>
        <translation>Nichts hinzuzufügen: Ziehen Sie Dateien oder Ordner von diesem Computer hierher</translation>
    </message>
    <message>
        <source>Could not add %1: %2</source>
        <translation>%1 konnte nicht hinzugefügt werden: %2</translation>
    </message>
    <message>
        <source>Indexing what was added (%1)…</source>
        <translation>Hinzugefügtes wird indexiert (%1) …</translation>
    </message>
    <message>
        <source>%1 is part of an added folder: remove that folder instead</source>
        <translation>%1 gehört zu einem hinzugefügten Ordner: Entfernen Sie stattdessen diesen Ordner</translation>
    </message>
    <message>
        <source>Could not remove %1: %2</source>
        <translation>%1 konnte nicht entfernt werden: %2</translation>
    </message>
    <message>
        <source>Indexing stopped: %1</source>
        <translation>Indexierung gestoppt: %1</translation>
    </message>
    <message>
        <source>Indexing cancelled</source>
        <translation>Indexierung abgebrochen</translation>
    </message>
    <message>
        <source>Indexed %1 files: %2 read, %3 unchanged, %4 with problems</source>
        <translation>%1 Dateien indexiert: %2 gelesen, %3 unverändert, %4 mit Problemen</translation>
    </message>
    <message>
        <source>Start or open a conversation first: collections are used per conversation</source>
        <translation>Beginnen oder öffnen Sie zuerst eine Unterhaltung: Sammlungen werden je Unterhaltung verwendet</translation>
    </message>
    <message>
        <source>Could not change which collections the chat uses: %1</source>
        <translation>Die vom Chat verwendeten Sammlungen konnten nicht geändert werden: %1</translation>
    </message>
    <message>
        <source>%1 is no longer there</source>
        <translation>%1 ist nicht mehr vorhanden</translation>
    </message>
    <message>
        <source>No application could open %1</source>
        <translation>Keine Anwendung konnte %1 öffnen</translation>
    </message>
    <message>
        <source>%1 is not a model: expected a .gguf file</source>
        <translation>%1 ist kein Modell: Erwartet wird eine .gguf-Datei</translation>
    </message>
    <message>
        <source>Could not detach the deleted chat&apos;s collections: %1</source>
        <translation>Die Sammlungen des gelöschten Chats konnten nicht gelöst werden: %1</translation>
    </message>
    <message>
        <source>Chat documents</source>
        <translation>Chat-Dokumente</translation>
    </message>
    <message>
        <source>Could not create a collection for this chat: %1</source>
        <translation>Für diesen Chat konnte keine Sammlung erstellt werden: %1</translation>
    </message>
    <message>
        <source>Could not attach the collection to this chat: %1</source>
        <translation>Die Sammlung konnte nicht mit diesem Chat verknüpft werden: %1</translation>
    </message>
    <message>
        <source>Indexing what was added to this chat&apos;s documents (%1)…</source>
        <translation>Was zu den Dokumenten dieses Chats hinzugefügt wurde, wird indexiert (%1) …</translation>
    </message>
</context>
<context>
    <name>hearth::app::DownloadManager</name>
    <message>
        <source>Not enough disk space for %1: it needs %2, but only %3 are free on %4.</source>
        <translation>Nicht genug Speicherplatz für %1: benötigt werden %2, auf %4 sind aber nur %3 frei.</translation>
    </message>
    <message>
        <source>Cannot download from &quot;%1&quot;: not an http or https address.</source>
        <translation>Download von „%1“ nicht möglich: keine http- oder https-Adresse.</translation>
    </message>
    <message>
        <source>The expected SHA-256 &quot;%1&quot; is not 64 hexadecimal digits.</source>
        <translation>Die erwartete SHA-256-Prüfsumme „%1“ besteht nicht aus 64 Hexadezimalziffern.</translation>
    </message>
    <message>
        <source>Cannot create the folder %1.</source>
        <translation>Der Ordner %1 kann nicht angelegt werden.</translation>
    </message>
    <message>
        <source>The server keeps answering with other parts of the file than asked for (%1).</source>
        <translation>Der Server liefert wiederholt andere Teile der Datei als angefordert (%1).</translation>
    </message>
    <message>
        <source>%1 Gave up after %2 attempts.</source>
        <translation>%1 Nach %2 Versuchen aufgegeben.</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>The server answered HTTP %1 %2 for %3.</source>
        <translation>Der Server antwortete mit HTTP %1 %2 für %3.</translation>
    </message>
    <message>
        <source>The repository may be gated: accept its terms on the hub&apos;s page, then set an access token on the Models page.</source>
        <translation>Das Repository ist möglicherweise zugangsbeschränkt: Akzeptieren Sie seine Bedingungen auf seiner Seite im Hub und legen Sie dann auf der Modellseite ein Zugriffstoken fest.</translation>
    </message>
    <message>
        <source>Downloading %1 failed: %2.</source>
        <translation>Der Download von %1 ist fehlgeschlagen: %2.</translation>
    </message>
    <message>
        <source>The server answered HTTP %1 for %2, which is not a file.</source>
        <translation>Der Server antwortete mit HTTP %1 für %2; das ist keine Datei.</translation>
    </message>
    <message>
        <source>The connection to %1 ended after %2 of %3 bytes.</source>
        <translation>Die Verbindung zu %1 brach nach %2 von %3 Bytes ab.</translation>
    </message>
    <message>
        <source>The server sends %1 bytes for %2, but the file has %3 bytes; the download was discarded.</source>
        <translation>Der Server sendet %1 Bytes für %2, die Datei hat aber %3 Bytes; der Download wurde verworfen.</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>The download is damaged: its SHA-256 is %1, but the catalog expects %2. It was deleted.</source>
        <translation>Der Download ist beschädigt: seine SHA-256-Prüfsumme ist %1, der Katalog erwartet aber %2. Er wurde gelöscht.</translation>
    </message>
    <message>
        <source>The download is damaged: its SHA-256 is %1, but the server states %2. It was deleted.</source>
        <translation>Der Download ist beschädigt: seine SHA-256-Prüfsumme ist %1, der Server gibt aber %2 an. Er wurde gelöscht.</translation>
    </message>
    <message>
        <source>The download is not a usable GGUF model (%1). It was deleted.</source>
        <translation>Der Download ist kein verwendbares GGUF-Modell (%1). Er wurde gelöscht.</translation>
    </message>
    <message>
        <source>Cannot move the download to %1: %2</source>
        <translation>Der Download kann nicht nach %1 verschoben werden: %2</translation>
    </message>
    <message>
        <source>Too many redirects from %1.</source>
        <translation>Zu viele Weiterleitungen von %1.</translation>
    </message>
    <message>
        <source>Refused the redirect from %1 to the insecure address %2.</source>
        <translation>Weiterleitung von %1 an die unsichere Adresse %2 abgelehnt.</translation>
    </message>
    <message>
        <source>Another Hearth window or process is already downloading %1.</source>
        <translation>Ein anderes Hearth-Fenster oder ein anderer Hearth-Prozess lädt %1 bereits herunter.</translation>
    </message>
    <message>
        <source>%1 sent less than %2 in %3 s: the server is too slow or stalled.</source>
        <translation>%1 hat in %3 s weniger als %2 gesendet: Der Server ist zu langsam oder reagiert nicht mehr.</translation>
    </message>
</context>
<context>
    <name>hearth::app::EngineWorker</name>
    <message>
        <source>%1 needs %2 (weights %3, KV cache %4, buffers %5) but %6 is available</source>
        <translation>%1 benötigt %2 (Gewichte %3, KV-Cache %4, Puffer %5), verfügbar sind aber nur %6</translation>
    </message>
</context>
<context>
    <name>hearth::app::HubTokenStore</name>
    <message>
        <source>the keyring did not answer within %1 s</source>
        <translation>der Schlüsselbund hat nicht innerhalb von %1 s geantwortet</translation>
    </message>
    <message>
        <source>Cannot read the saved access token from %1: %2</source>
        <translation>Das gespeicherte Zugriffstoken kann nicht aus %1 gelesen werden: %2</translation>
    </message>
    <message>
        <source>The access token is no longer in the system keyring; enter it again.</source>
        <translation>Das Zugriffstoken ist nicht mehr im System-Schlüsselbund; geben Sie es erneut ein.</translation>
    </message>
    <message>
        <source>Cannot read the access token from the system keyring: %1</source>
        <translation>Das Zugriffstoken kann nicht aus dem System-Schlüsselbund gelesen werden: %1</translation>
    </message>
    <message>
        <source>The system keyring refused to save it: %1</source>
        <translation>Der System-Schlüsselbund hat das Speichern verweigert: %1</translation>
    </message>
    <message>
        <source>Cannot create the folder %1 for the access token.</source>
        <translation>Der Ordner %1 für das Zugriffstoken kann nicht angelegt werden.</translation>
    </message>
    <message>
        <source>Cannot save the access token in %1: %2</source>
        <translation>Das Zugriffstoken kann nicht in %1 gespeichert werden: %2</translation>
    </message>
</context>
<context>
    <name>hearth::app::MachineController</name>
    <message>
        <source>Could not measure the memory bandwidth: %1</source>
        <translation>Die Speicherbandbreite konnte nicht gemessen werden: %1</translation>
    </message>
</context>
<context>
    <name>hearth::app::ModelsController</name>
    <message>
        <source>%1 is not a usable GGUF model: %2</source>
        <translation>%1 ist kein verwendbares GGUF-Modell: %2</translation>
    </message>
    <message>
        <source>Cannot copy %1 into the models folder: %2</source>
        <translation>%1 kann nicht in den Modellordner kopiert werden: %2</translation>
    </message>
    <message>
        <source>Cannot create %1.</source>
        <translation>%1 kann nicht angelegt werden.</translation>
    </message>
    <message>
        <source>The model catalog is missing from this build (%1).</source>
        <translation>Der Modellkatalog fehlt in diesem Build (%1).</translation>
    </message>
    <message>
        <source>This computer&apos;s memory is not known.</source>
        <translation>Der Arbeitsspeicher dieses Computers ist nicht bekannt.</translation>
    </message>
    <message>
        <source>%1 of %2 memory available</source>
        <translation>%1 von %2 Arbeitsspeicher verfügbar</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an http or https address; the hub address stays %2.</source>
        <translation>„%1“ ist keine http- oder https-Adresse; die Hub-Adresse bleibt %2.</translation>
    </message>
    <message>
        <source>Downloaded %1.</source>
        <translation>%1 heruntergeladen.</translation>
    </message>
    <message>
        <source>%1 cannot be downloaded: %2</source>
        <translation>%1 kann nicht heruntergeladen werden: %2</translation>
    </message>
    <message>
        <source>Another import is running; try again when it has finished.</source>
        <translation>Ein anderer Import läuft; versuchen Sie es erneut, wenn er fertig ist.</translation>
    </message>
    <message>
        <source>Cannot import %1: there is no such file.</source>
        <translation>%1 kann nicht importiert werden: Die Datei existiert nicht.</translation>
    </message>
    <message>
        <source>%1 is already in the models folder.</source>
        <translation>%1 ist bereits im Modellordner.</translation>
    </message>
    <message>
        <source>The models folder already has a file named %1; delete or rename it first.</source>
        <translation>Im Modellordner gibt es bereits eine Datei namens %1; löschen oder benennen Sie sie zuerst um.</translation>
    </message>
    <message>
        <source>Cannot create the models folder %1.</source>
        <translation>Der Modellordner %1 kann nicht angelegt werden.</translation>
    </message>
    <message>
        <source>Not imported: %1</source>
        <translation>Nicht importiert: %1</translation>
    </message>
    <message>
        <source>Imported %1.</source>
        <translation>%1 importiert.</translation>
    </message>
    <message>
        <source>Only models in the models folder can be deleted here.</source>
        <translation>Hier können nur Modelle im Modellordner gelöscht werden.</translation>
    </message>
    <message>
        <source>Cannot delete %1.</source>
        <translation>%1 kann nicht gelöscht werden.</translation>
    </message>
    <message>
        <source>Deleted %1.</source>
        <translation>%1 gelöscht.</translation>
    </message>
    <message>
        <source>No system keyring is available; the access token was saved in %1, readable only by you.</source>
        <translation>Kein System-Schlüsselbund verfügbar; das Zugriffstoken wurde in %1 gespeichert, nur für Sie lesbar.</translation>
    </message>
    <message>
        <source>The access token was not saved: %1</source>
        <translation>Das Zugriffstoken wurde nicht gespeichert: %1</translation>
    </message>
    <message>
        <source>Saved in the system keyring.</source>
        <translation>Im System-Schlüsselbund gespeichert.</translation>
    </message>
    <message>
        <source>No system keyring is available: saved in %1, readable only by you.</source>
        <translation>Kein System-Schlüsselbund verfügbar: in %1 gespeichert, nur für Sie lesbar.</translation>
    </message>
    <message>
        <source>%1 was not downloaded: %2</source>
        <translation>%1 wurde nicht heruntergeladen: %2</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an http or https address of a .gguf file.</source>
        <translation>„%1“ ist keine http- oder https-Adresse einer .gguf-Datei.</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>%1 is being downloaded; cancel the download before removing it.</source>
        <translation>%1 wird gerade heruntergeladen; brechen Sie den Download ab, bevor Sie es entfernen.</translation>
    </message>
    <message>
        <source>Removed %1 from the list.</source>
        <translation>%1 wurde aus der Liste entfernt.</translation>
    </message>
</context>
<context>
    <name>hearth::app::SettingsController</name>
    <message>
        <source>Could not save the setting %1: %2</source>
        <translation>Die Einstellung %1 konnte nicht gespeichert werden: %2</translation>
    </message>
    <message>
        <source>The models folder must be a local folder, not %1</source>
        <translation>Der Modellordner muss ein lokaler Ordner sein, nicht %1</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Chat with language models offline.</source>
        <translation>Offline mit Sprachmodellen chatten.</translation>
    </message>
    <message>
        <source>A .gguf model file to load at start.</source>
        <translation>Eine .gguf-Modelldatei, die beim Start geladen wird.</translation>
    </message>
</context>
</TS>
