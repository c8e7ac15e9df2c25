// The documents page: collections of files and folders (create, rename, remove with confirmation, use in this
// chat), the files of the selected one with their indexing state (remove, re-index), indexing progress with
// Cancel, files and folders added by dialog or by dropping them on the page, and the retrieval settings (the
// snippets' token budget, the embedding model). Presentational: it binds to `documents` (Main.qml passes the
// DocumentsController singleton; tests may pass a stand-in with the same properties, models and invokables).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Dialogs

Dialog {
    id: page
    objectName: "documentsPage"
    title: qsTr("Documents")
    modal: true
    standardButtons: Dialog.Close
    anchors.centerIn: parent
    width: Math.min(parent ? parent.width - 40 : 960, 960)
    height: parent ? parent.height - 40 : 700

    // DocumentsController or a stand-in: collections, files, selectedCollectionId, indexing, filesDone, filesTotal,
    // currentFile, lastError, lastNotice, tokenBudget, minTokenBudget, maxTokenBudget, embeddingModel,
    // embeddingModelError; createCollection, renameCollection, removeCollection, addPaths, removePath, reindex,
    // cancelIndexing, setAttached, refresh, clearMessages, openSource.
    property var documents
    // Whether a conversation is open (collections are used per conversation).
    property bool conversationOpen: false
    // The confirmation asked before a collection is removed (for tests).
    readonly property alias removeConfirmation: removeDialog

    onOpened: if (documents) documents.refresh()

    function countsText(fileCount, indexedCount, problemCount, chunkCount) {
        if (problemCount > 0)
            return qsTr("Files: %1 · indexed: %2 · with problems: %3 · chunks: %4")
                   .arg(fileCount).arg(indexedCount).arg(problemCount).arg(chunkCount)
        return qsTr("Files: %1 · indexed: %2 · chunks: %3").arg(fileCount).arg(indexedCount).arg(chunkCount)
    }
    function statusColor(status) {
        // docs::FileStatus: 0 waiting, 1 indexed, 2 empty, 3 skipped, 4 failed, 5 missing.
        if (status === 1) return "#2e7d32"
        if (status === 4 || status === 5) return "#c62828"
        if (status === 2 || status === 3) return "#b26a00"
        return palette.windowText
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 8
        enabled: page.documents !== undefined && page.documents !== null

        // New collection, and the retrieval settings.
        RowLayout {
            Layout.fillWidth: true
            spacing: 8
            TextField {
                id: newName
                objectName: "newCollectionName"
                placeholderText: qsTr("New collection name")
                Layout.preferredWidth: 220
                Accessible.name: qsTr("Name of the new collection")
                onAccepted: createButton.clicked()
            }
            Button {
                id: createButton
                objectName: "createCollectionButton"
                text: qsTr("Create")
                enabled: newName.text.trim().length > 0
                Accessible.name: qsTr("Create the collection")
                onClicked: {
                    page.documents.createCollection(newName.text)
                    newName.clear()
                }
            }
            Item { Layout.fillWidth: true }
            Label { text: qsTr("Snippet budget") }
            SpinBox {
                objectName: "tokenBudget"
                from: page.documents ? page.documents.minTokenBudget : 128
                to: page.documents ? page.documents.maxTokenBudget : 16384
                stepSize: 128
                editable: true
                value: page.documents ? page.documents.tokenBudget : 1024
                Accessible.name: qsTr("Tokens of document snippets a question may add to the prompt")
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Tokens of document snippets a question may add to the prompt")
                onValueModified: page.documents.tokenBudget = value
            }
            Label { text: qsTr("tokens") }
        }
        RowLayout {
            Layout.fillWidth: true
            spacing: 8
            Label { text: qsTr("Embedding model") }
            Label {
                objectName: "embeddingModelLabel"
                text: page.documents && page.documents.embeddingModelLoading ? qsTr("Loading…")
                      : page.documents && page.documents.embeddingModel !== ""
                      ? page.documents.embeddingModel : qsTr("none (keyword search only)")
                elide: Text.ElideMiddle
                opacity: page.documents && page.documents.embeddingModel !== "" ? 1 : 0.7
                Layout.fillWidth: true
                Accessible.name: qsTr("Embedding model")
            }
            Button {
                text: qsTr("Choose…")
                Accessible.name: qsTr("Choose an embedding model (bert or nomic-bert GGUF)")
                onClicked: embeddingDialog.open()
            }
            Button {
                text: qsTr("None")
                enabled: page.documents && page.documents.embeddingModel !== ""
                Accessible.name: qsTr("Use keyword search only")
                onClicked: page.documents.embeddingModel = ""
            }
        }
        Label {
            visible: page.documents && page.documents.embeddingModelError !== ""
            text: page.documents ? page.documents.embeddingModelError : ""
            color: "#c62828"
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 8

            // Collections.
            ColumnLayout {
                Layout.preferredWidth: 380
                Layout.fillWidth: false
                Layout.fillHeight: true
                Label {
                    text: qsTr("Collections")
                    font.bold: true
                }
                Label {
                    objectName: "noCollections"
                    visible: collectionList.count === 0
                    text: qsTr("No collections yet. Drop files or folders here, or create one.")
                    wrapMode: Text.Wrap
                    opacity: 0.7
                    Layout.fillWidth: true
                }
                ListView {
                    id: collectionList
                    objectName: "collectionList"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    spacing: 4
                    model: page.documents ? page.documents.collections : null
                    ScrollBar.vertical: ScrollBar {}
                    Accessible.name: qsTr("Collections")

                    delegate: Rectangle {
                        id: row
                        required property var collectionId
                        required property string name
                        required property int fileCount
                        required property int indexedCount
                        required property int problemCount
                        required property int chunkCount
                        required property bool attached
                        required property bool indexing
                        required property real progress
                        readonly property bool selected: page.documents && page.documents.selectedCollectionId === collectionId

                        objectName: "collectionRow"
                        width: ListView.view.width
                        implicitHeight: rowColumn.implicitHeight + 12
                        radius: 4
                        color: selected ? Qt.rgba(palette.highlight.r, palette.highlight.g, palette.highlight.b, 0.18) : "transparent"
                        border.color: selected ? palette.highlight : palette.mid
                        border.width: 1

                        MouseArea {
                            anchors.fill: parent
                            onClicked: page.documents.selectedCollectionId = row.collectionId
                        }
                        ColumnLayout {
                            id: rowColumn
                            anchors.fill: parent
                            anchors.margins: 6
                            spacing: 2
                            RowLayout {
                                Layout.fillWidth: true
                                Label {
                                    text: row.name
                                    font.bold: true
                                    elide: Text.ElideRight
                                    Layout.fillWidth: true
                                }
                                CheckBox {
                                    objectName: "attachCheck"
                                    text: qsTr("Use in this chat")
                                    checked: row.attached
                                    enabled: page.conversationOpen
                                    Accessible.name: qsTr("Use %1 in this chat").arg(row.name)
                                    ToolTip.visible: hovered && !page.conversationOpen
                                    ToolTip.text: qsTr("Open a chat to use collections in it")
                                    onToggled: page.documents.setAttached(row.collectionId, checked)
                                }
                            }
                            Label {
                                objectName: "collectionCounts"
                                text: page.countsText(row.fileCount, row.indexedCount, row.problemCount, row.chunkCount)
                                opacity: 0.8
                                font.pixelSize: 12
                                wrapMode: Text.Wrap
                                Layout.fillWidth: true
                            }
                            ProgressBar {
                                visible: row.indexing
                                indeterminate: row.progress === 0
                                from: 0
                                to: 1
                                value: row.progress
                                Layout.fillWidth: true
                                Accessible.name: qsTr("Indexing progress of %1").arg(row.name)
                            }
                            RowLayout {
                                Layout.fillWidth: true
                                spacing: 2
                                Item { Layout.fillWidth: true }
                                ToolButton {
                                    text: qsTr("Rename")
                                    font.pixelSize: 11
                                    Accessible.name: qsTr("Rename %1").arg(row.name)
                                    onClicked: {
                                        renameDialog.collectionId = row.collectionId
                                        renameField.text = row.name
                                        renameDialog.open()
                                    }
                                }
                                ToolButton {
                                    objectName: "reindexButton"
                                    text: qsTr("Re-index")
                                    font.pixelSize: 11
                                    enabled: !row.indexing
                                    Accessible.name: qsTr("Re-index %1").arg(row.name)
                                    onClicked: page.documents.reindex(row.collectionId)
                                }
                                ToolButton {
                                    objectName: "removeCollectionButton"
                                    text: qsTr("Remove")
                                    font.pixelSize: 11
                                    Accessible.name: qsTr("Remove %1").arg(row.name)
                                    onClicked: {
                                        removeDialog.collectionId = row.collectionId
                                        removeDialog.name = row.name
                                        removeDialog.open()
                                    }
                                }
                            }
                        }
                    }
                }
            }

            ToolSeparator { orientation: Qt.Vertical; Layout.fillHeight: true }

            // The selected collection's files.
            ColumnLayout {
                Layout.fillWidth: true
                Layout.fillHeight: true
                RowLayout {
                    Layout.fillWidth: true
                    Label {
                        text: qsTr("Files")
                        font.bold: true
                        Layout.fillWidth: true
                    }
                    Button {
                        objectName: "addFilesButton"
                        text: qsTr("Add files…")
                        Accessible.name: qsTr("Add files to the collection")
                        onClicked: filesDialog.open()
                    }
                    Button {
                        text: qsTr("Add folder…")
                        Accessible.name: qsTr("Add a folder to the collection")
                        onClicked: folderDialog.open()
                    }
                }
                // What was added (files and folders): each can be removed, with the files found in it.
                Flow {
                    objectName: "sourcesFlow"
                    visible: page.documents && page.documents.selectedSources.length > 0
                    Layout.fillWidth: true
                    spacing: 4
                    Repeater {
                        model: page.documents ? page.documents.selectedSources : []
                        delegate: Rectangle {
                            id: chip
                            required property string modelData
                            readonly property string name: modelData.substring(modelData.lastIndexOf("/") + 1)
                            objectName: "sourceChip"
                            width: chipRow.implicitWidth + 8
                            height: chipRow.implicitHeight
                            radius: height / 2
                            color: "transparent"
                            border.color: palette.mid
                            RowLayout {
                                id: chipRow
                                anchors.centerIn: parent
                                spacing: 0
                                Label {
                                    text: chip.name
                                    leftPadding: 6
                                    ToolTip.visible: chipHover.hovered
                                    ToolTip.text: chip.modelData
                                    HoverHandler { id: chipHover }
                                }
                                ToolButton {
                                    objectName: "removeSourceButton"
                                    text: "×"
                                    font.pixelSize: 12
                                    Accessible.name: qsTr("Remove %1 from the collection").arg(chip.name)
                                    onClicked: page.documents.removePath(page.documents.selectedCollectionId,
                                                                         chip.modelData)
                                }
                            }
                        }
                    }
                }
                ListView {
                    id: fileList
                    objectName: "fileList"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    spacing: 2
                    model: page.documents ? page.documents.files : null
                    ScrollBar.vertical: ScrollBar {}
                    Accessible.name: qsTr("Files of the collection")

                    delegate: ItemDelegate {
                        id: fileRow
                        required property string path
                        required property string name
                        required property int status
                        required property string statusText
                        required property string error
                        required property int chunkCount
                        objectName: "fileRow"
                        width: ListView.view.width
                        Accessible.name: qsTr("%1: %2").arg(name).arg(statusText)
                        ToolTip.visible: hovered
                        ToolTip.text: path
                        onClicked: page.documents.openSource(path)
                        contentItem: ColumnLayout {
                            spacing: 0
                            RowLayout {
                                Layout.fillWidth: true
                                Label {
                                    text: fileRow.name
                                    elide: Text.ElideMiddle
                                    Layout.fillWidth: true
                                }
                                Label {
                                    objectName: "fileStatus"
                                    text: fileRow.status === 1 ? qsTr("%1 · chunks: %2").arg(fileRow.statusText).arg(fileRow.chunkCount)
                                                               : fileRow.statusText
                                    color: page.statusColor(fileRow.status)
                                }
                            }
                            Label {
                                visible: fileRow.error !== ""
                                text: fileRow.error
                                opacity: 0.8
                                font.pixelSize: 12
                                wrapMode: Text.Wrap
                                Layout.fillWidth: true
                            }
                        }
                    }
                }
            }
        }

        // The chunks' vectors being computed (after indexing, or for a new embedding model).
        RowLayout {
            objectName: "embeddingBar"
            visible: page.documents && page.documents.embedding
            Layout.fillWidth: true
            ProgressBar {
                from: 0
                to: Math.max(1, page.documents ? page.documents.embeddingTotal : 1)
                value: page.documents ? page.documents.embeddingDone : 0
                Layout.preferredWidth: 200
                Accessible.name: qsTr("Progress of the documents' vectors")
            }
            Label {
                text: page.documents ? qsTr("Computing vectors: %1 of %2 chunks").arg(page.documents.embeddingDone)
                                       .arg(page.documents.embeddingTotal) : ""
                Layout.fillWidth: true
            }
            Button {
                text: qsTr("Cancel")
                Accessible.name: qsTr("Stop computing vectors")
                onClicked: page.documents.cancelIndexing()
            }
        }

        // Indexing progress, and what happened last.
        RowLayout {
            objectName: "indexingBar"
            visible: page.documents && page.documents.indexing
            Layout.fillWidth: true
            ProgressBar {
                objectName: "indexingProgress"
                from: 0
                to: Math.max(1, page.documents ? page.documents.filesTotal : 1)
                value: page.documents ? page.documents.filesDone : 0
                indeterminate: page.documents && page.documents.filesTotal === 0
                Layout.preferredWidth: 200
                Accessible.name: qsTr("Indexing progress")
            }
            Label {
                text: page.documents ? qsTr("Indexing %1 of %2: %3").arg(page.documents.filesDone + 1)
                                       .arg(page.documents.filesTotal).arg(page.documents.currentFile) : ""
                elide: Text.ElideMiddle
                Layout.fillWidth: true
            }
            Button {
                objectName: "cancelIndexingButton"
                text: qsTr("Cancel")
                Accessible.name: qsTr("Cancel indexing")
                onClicked: page.documents.cancelIndexing()
            }
        }
        Label {
            objectName: "documentsError"
            visible: page.documents && page.documents.lastError !== ""
            text: page.documents ? page.documents.lastError : ""
            color: "#c62828"
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        Label {
            objectName: "documentsNotice"
            visible: page.documents && page.documents.lastError === "" && page.documents.lastNotice !== ""
            text: page.documents ? page.documents.lastNotice : ""
            opacity: 0.8
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
    }

    // Drop files or folders on the page: they join the selected collection (a new one when there is none).
    DropArea {
        id: addDrop
        objectName: "documentsDrop"
        anchors.fill: parent
        keys: ["text/uri-list"]
        onDropped: (drop) => {
            if (!drop.hasUrls || !page.documents)
                return
            page.documents.addPaths(page.documents.selectedCollectionId, drop.urls)
            drop.acceptProposedAction()
        }
    }
    Rectangle {
        anchors.fill: parent
        visible: addDrop.containsDrag
        color: "#302080ff"
        border.color: "#2080ff"
        border.width: 3
        Label {
            anchors.centerIn: parent
            text: qsTr("Drop files or folders to add them to the collection")
            font.pixelSize: 20
        }
    }

    FileDialog {
        id: filesDialog
        title: qsTr("Add files to the collection")
        fileMode: FileDialog.OpenFiles
        onAccepted: page.documents.addPaths(page.documents.selectedCollectionId, selectedFiles)
    }
    FolderDialog {
        id: folderDialog
        title: qsTr("Add a folder to the collection")
        onAccepted: page.documents.addPaths(page.documents.selectedCollectionId, [selectedFolder])
    }
    FileDialog {
        id: embeddingDialog
        title: qsTr("Choose an embedding model")
        nameFilters: [qsTr("GGUF models (*.gguf)"), qsTr("All files (*)")]
        onAccepted: page.documents.embeddingModel = selectedFile.toString()
    }

    Dialog {
        id: renameDialog
        objectName: "renameCollectionDialog"
        property var collectionId: 0
        title: qsTr("Rename collection")
        modal: true
        anchors.centerIn: parent
        standardButtons: Dialog.Ok | Dialog.Cancel
        width: Math.min(page.width - 60, 420)
        TextField {
            id: renameField
            width: renameDialog.availableWidth
            Accessible.name: qsTr("New name of the collection")
            onAccepted: renameDialog.accept()
        }
        onAccepted: page.documents.renameCollection(collectionId, renameField.text)
    }

    Dialog {
        id: removeDialog
        objectName: "removeCollectionDialog"
        property var collectionId: 0
        property string name: ""
        title: qsTr("Remove collection")
        modal: true
        anchors.centerIn: parent
        standardButtons: Dialog.Yes | Dialog.No
        width: Math.min(page.width - 60, 460)
        Label {
            text: qsTr("Remove the collection %1 and its index? The files on disk are not touched.").arg(removeDialog.name)
            wrapMode: Text.Wrap
            width: removeDialog.availableWidth
        }
        onAccepted: page.documents.removeCollection(collectionId)
    }
}
