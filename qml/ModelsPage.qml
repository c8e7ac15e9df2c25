// The models page: the catalog (what runs here, how fast, with how much context; download, pause, cancel, load;
// files added by their address, which can be removed again) and the models on this computer (import by dialog or
// drop, delete with confirmation, load). Presentational: it binds to `models` (Main.qml passes the ModelsController
// singleton; tests pass a stand-in with the same properties, models and invokables), and every decision is made in
// C++.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Dialogs

Dialog {
    id: page
    objectName: "modelsPage"
    title: qsTr("Models")
    modal: true
    standardButtons: Dialog.Close
    anchors.centerIn: parent
    width: Math.min(parent ? parent.width - 40 : 900, 900)
    height: parent ? parent.height - 40 : 700

    // ModelsController or a stand-in: catalog (with filterText, fitsOnly, hideUnsupported, maxSizeGiB, count), localModels
    // (count), memoryText, modelsFolder, hubBaseUrl, defaultHubBaseUrl, hubTokenSet, hubTokenStorage, hubTokenBusy,
    // importing, lastError, lastNotice, urlBusy, urlError, urlKey (urlChanged), and
    // download/pause/resume/cancel/loadCatalogFile/checkFile/removeAddedFile(key), loadFile/deleteFile(path),
    // importFile(url, move), addFromUrl(url), setHubToken(token), refresh(), clearMessages().
    property var models
    // Which tab shows: 0 the catalog, 1 the models on this computer.
    property alias currentTab: tabs.currentIndex
    // The confirmation asked before a local model is deleted (for tests).
    readonly property alias deleteConfirmation: deleteDialog
    // The confirmation asked before an added row with downloaded bytes is removed (for tests).
    readonly property alias removeConfirmation: removeDialog
    // The user asked for the licences page.
    signal licencesRequested()

    onOpened: if (models) models.refresh()

    function verdictText(fit) {
        if (fit === "fits") return qsTr("Fits")
        if (fit === "tight") return qsTr("Tight")
        if (fit === "no") return qsTr("Won't fit")
        return qsTr("Unknown")
    }
    function verdictColor(fit) {
        if (fit === "fits") return "#2e7d32"
        if (fit === "tight") return "#b26a00"
        if (fit === "no") return "#c62828"
        return palette.windowText
    }
    // Removes a row added by its address. Asked first only when that deletes downloaded bytes: otherwise the row
    // is back by pasting the address again.
    function removeAdded(key, name, hasPart) {
        if (!hasPart) {
            models.removeAddedFile(key)
            return
        }
        removeDialog.key = key
        removeDialog.name = name
        removeDialog.open()
    }
    function load(path) {
        models.loadFile(path)
        page.close()
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 8
        enabled: page.models !== undefined && page.models !== null

        RowLayout {
            Layout.fillWidth: true
            Label {
                objectName: "memoryLabel"
                text: page.models ? page.models.memoryText : ""
                opacity: 0.8
                Layout.fillWidth: true
                elide: Text.ElideRight
            }
            Button {
                objectName: "licencesButton"
                text: qsTr("Licences…")
                Accessible.name: qsTr("Show the licences of Hearth, its libraries and the models")
                onClicked: page.licencesRequested()
            }
        }

        Label {
            objectName: "modelsError"
            visible: text !== ""
            text: page.models ? page.models.lastError : ""
            color: "#c62828"
            wrapMode: Text.Wrap
            Layout.fillWidth: true
            Accessible.name: qsTr("Error")
        }
        Label {
            objectName: "modelsNotice"
            visible: text !== ""
            text: page.models ? page.models.lastNotice : ""
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }

        TabBar {
            id: tabs
            objectName: "modelsTabs"
            Layout.fillWidth: true
            TabButton {
                objectName: "catalogTab"
                text: qsTr("Catalog")
                Accessible.name: qsTr("Model catalog")
            }
            TabButton {
                objectName: "localTab"
                text: qsTr("On this computer")
                Accessible.name: qsTr("Models on this computer")
            }
        }

        StackLayout {
            currentIndex: tabs.currentIndex
            Layout.fillWidth: true
            Layout.fillHeight: true

            // ---- Catalog ----
            ColumnLayout {
                spacing: 6

                RowLayout {
                    Layout.fillWidth: true
                    TextField {
                        objectName: "catalogFilter"
                        placeholderText: qsTr("Search models")
                        text: page.models ? page.models.catalog.filterText : ""
                        Layout.fillWidth: true
                        Accessible.name: qsTr("Search the catalog")
                        onTextEdited: page.models.catalog.filterText = text
                    }
                    CheckBox {
                        objectName: "fitsOnlyCheck"
                        text: qsTr("Fits in memory")
                        checked: page.models ? page.models.catalog.fitsOnly : false
                        Accessible.name: qsTr("Show only models that fit in memory")
                        onToggled: page.models.catalog.fitsOnly = checked
                    }
                    CheckBox {
                        objectName: "hideUnsupportedCheck"
                        text: qsTr("Hide unsupported")
                        checked: page.models ? page.models.catalog.hideUnsupported : false
                        Accessible.name: qsTr("Hide models this app cannot run yet")
                        onToggled: page.models.catalog.hideUnsupported = checked
                    }
                    ComboBox {
                        objectName: "maxSizeCombo"
                        // 0: any size; else GiB, the unit the sizes on this page are shown in.
                        readonly property var limits: [0, 1, 2, 4, 8]
                        model: limits.map(gib => gib === 0 ? qsTr("Any size")
                                                           : qsTr("Up to %1").arg(Qt.locale().formattedDataSize(gib * 1073741824, 0)))
                        currentIndex: page.models ? Math.max(0, limits.indexOf(page.models.catalog.maxSizeGiB || 0)) : 0
                        Accessible.name: qsTr("Largest file size to show")
                        onActivated: index => page.models.catalog.maxSizeGiB = limits[index]
                    }
                }

                // Any .gguf by its address: the header is read (a few hundred KB) and the file listed first, with
                // its exact numbers, before anything is downloaded.
                RowLayout {
                    Layout.fillWidth: true
                    TextField {
                        id: urlField
                        objectName: "urlField"
                        placeholderText: qsTr("Add a .gguf file by its address (hub or mirror)")
                        enabled: !(page.models && page.models.urlBusy)
                        Layout.fillWidth: true
                        Accessible.name: qsTr("Address of a GGUF file to add")
                        onAccepted: if (text.trim() !== "") page.models.addFromUrl(text.trim())
                    }
                    BusyIndicator {
                        running: page.models ? page.models.urlBusy : false
                        visible: running
                        Layout.preferredHeight: urlField.implicitHeight
                        Layout.preferredWidth: urlField.implicitHeight
                    }
                    Button {
                        objectName: "addUrlButton"
                        text: page.models && page.models.urlBusy ? qsTr("Reading…") : qsTr("Add")
                        enabled: urlField.text.trim() !== "" && !(page.models && page.models.urlBusy)
                        Accessible.name: qsTr("Read the file's header and add it to the list")
                        onClicked: page.models.addFromUrl(urlField.text.trim())
                    }
                }
                Label {
                    objectName: "urlError"
                    visible: text !== ""
                    text: page.models && page.models.urlError ? page.models.urlError : ""
                    color: "#c62828"
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }
                Connections {
                    target: page.models
                    ignoreUnknownSignals: true
                    // Added: the field is cleared and the new row, listed first, scrolled into view.
                    function onUrlChanged() {
                        if (!page.models.urlBusy && page.models.urlKey !== "" && page.models.urlError === "") {
                            urlField.text = ""
                            catalogList.positionViewAtBeginning()
                        }
                    }
                }

                ListView {
                    id: catalogList
                    objectName: "catalogList"
                    model: page.models ? page.models.catalog : null
                    clip: true
                    spacing: 6
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    ScrollBar.vertical: ScrollBar {}
                    Accessible.name: qsTr("Catalog")

                    Label {
                        anchors.centerIn: parent
                        visible: catalogList.count === 0
                        text: qsTr("No model matches the filters.")
                        opacity: 0.7
                    }

                    delegate: Frame {
                        id: row
                        objectName: "catalogRow_" + model.key
                        width: catalogList.width - 12
                        // Unsupported models stay visible (so the user knows they exist), greyed with the reason.
                        opacity: model.supported ? 1.0 : 0.55
                        readonly property string state_: model.downloadState
                        readonly property bool active: state_ === "queued" || state_ === "downloading"
                                                       || state_ === "verifying"

                        ColumnLayout {
                            anchors.fill: parent
                            spacing: 4

                            RowLayout {
                                Layout.fillWidth: true
                                Label {
                                    text: model.name
                                    font.bold: true
                                    elide: Text.ElideRight
                                    Layout.fillWidth: true
                                }
                                Label {
                                    objectName: "quantization"
                                    text: model.isDefault ? qsTr("%1 (recommended)").arg(model.quantization)
                                                          : model.quantization
                                }
                                Label { text: model.sizeText }
                                Label {
                                    text: model.license
                                    opacity: 0.7
                                    Accessible.name: qsTr("Licence %1").arg(model.license)
                                }
                            }

                            RowLayout {
                                Layout.fillWidth: true
                                visible: model.supported
                                Label {
                                    objectName: "verdict"
                                    text: page.verdictText(model.fit)
                                    color: page.verdictColor(model.fit)
                                    font.bold: true
                                }
                                Label {
                                    objectName: "fitText"
                                    text: model.fitText
                                    wrapMode: Text.Wrap
                                    Layout.fillWidth: true
                                }
                            }
                            RowLayout {
                                Layout.fillWidth: true
                                visible: model.supported
                                Label {
                                    objectName: "speedText"
                                    text: model.speedText
                                }
                                Label {
                                    text: model.kernelText
                                    opacity: 0.7
                                    elide: Text.ElideRight
                                    Layout.fillWidth: true
                                }
                            }
                            RowLayout {
                                Layout.fillWidth: true
                                visible: model.addedFromUrl === true
                                Label {
                                    objectName: "urlBadge"
                                    text: qsTr("Added by its address, from %1 · %2 parameters").arg(model.repo)
                                          .arg(model.parametersText)
                                    opacity: 0.7
                                    elide: Text.ElideRight
                                    Layout.fillWidth: true
                                }
                                // Not while its download runs (cancel it first); a part file left is deleted too.
                                Button {
                                    objectName: "removeAddedButton"
                                    visible: !row.active
                                    text: qsTr("Remove")
                                    Accessible.name: qsTr("Remove %1 from the list").arg(model.name)
                                    onClicked: page.removeAdded(model.key, model.name,
                                                                !model.installed && (row.state_ === "partial"
                                                                                     || row.state_ === "paused"
                                                                                     || row.state_ === "failed"))
                                }
                            }
                            Label {
                                objectName: "catalogTypeMix"
                                visible: text !== ""
                                text: model.typeMix ? qsTr("Tensor types: %1").arg(model.typeMix) : ""
                                wrapMode: Text.Wrap
                                Layout.fillWidth: true
                            }
                            // A row whose facts were not confirmed by hand: its header can be read now (the row's
                            // numbers become the file's own); the download is checked against the server anyway.
                            RowLayout {
                                Layout.fillWidth: true
                                visible: model.supported && model.verified === false && model.addedFromUrl !== true
                                         && model.headerState !== "read"
                                Label {
                                    objectName: "unverifiedNote"
                                    text: model.headerState === "failed"
                                          ? qsTr("Could not read the file's header: %1").arg(model.headerError)
                                          : qsTr("Size and shapes not confirmed; the download is checked against the server.")
                                    color: model.headerState === "failed" ? "#c62828" : palette.windowText
                                    opacity: model.headerState === "failed" ? 1.0 : 0.7
                                    wrapMode: Text.Wrap
                                    Layout.fillWidth: true
                                }
                                Button {
                                    objectName: "checkFileButton"
                                    text: model.headerState === "reading" ? qsTr("Checking…") : qsTr("Check the file")
                                    enabled: model.headerState !== "reading"
                                    Accessible.name: qsTr("Read the header of %1 %2 from the server")
                                                     .arg(model.name).arg(model.quantization)
                                    onClicked: page.models.checkFile(model.key)
                                }
                            }
                            Label {
                                objectName: "reason"
                                visible: !model.supported
                                text: qsTr("Not supported yet: %1").arg(model.reason)
                                wrapMode: Text.Wrap
                                Layout.fillWidth: true
                            }

                            // Download, progress, or load.
                            RowLayout {
                                Layout.fillWidth: true
                                visible: model.supported

                                ProgressBar {
                                    objectName: "downloadProgress"
                                    visible: row.active || row.state_ === "paused" || row.state_ === "partial"
                                    from: 0
                                    to: 1
                                    value: model.downloadProgress
                                    Layout.preferredWidth: 200
                                    Accessible.name: qsTr("Download progress of %1").arg(model.name)
                                }
                                Label {
                                    objectName: "downloadText"
                                    text: model.downloadText
                                    visible: text !== "" && !model.installed
                                    color: row.state_ === "failed" ? "#c62828" : palette.windowText
                                    wrapMode: Text.Wrap
                                    Layout.fillWidth: true
                                }
                                Label {
                                    visible: model.installed
                                    text: qsTr("Installed")
                                    Layout.fillWidth: true
                                }
                                Item {
                                    visible: !model.installed && model.downloadText === ""
                                    Layout.fillWidth: true
                                }
                                Button {
                                    objectName: "downloadButton"
                                    visible: !model.installed && !row.active && row.state_ !== "paused"
                                             && row.state_ !== "partial"
                                    text: row.state_ === "failed" ? qsTr("Retry") : qsTr("Download")
                                    Accessible.name: qsTr("Download %1 %2").arg(model.name).arg(model.quantization)
                                    onClicked: row.state_ === "failed" ? page.models.resume(model.key)
                                                                       : page.models.download(model.key)
                                }
                                Button {
                                    objectName: "pauseButton"
                                    visible: row.state_ === "queued" || row.state_ === "downloading"
                                    text: qsTr("Pause")
                                    Accessible.name: qsTr("Pause the download of %1").arg(model.name)
                                    onClicked: page.models.pause(model.key)
                                }
                                Button {
                                    objectName: "resumeButton"
                                    visible: row.state_ === "paused" || row.state_ === "partial"
                                    text: qsTr("Resume")
                                    Accessible.name: qsTr("Resume the download of %1").arg(model.name)
                                    onClicked: page.models.resume(model.key)
                                }
                                Button {
                                    objectName: "cancelButton"
                                    visible: row.active || row.state_ === "paused" || row.state_ === "partial"
                                    text: qsTr("Cancel")
                                    Accessible.name: qsTr("Cancel the download of %1").arg(model.name)
                                    onClicked: page.models.cancel(model.key)
                                }
                                Button {
                                    objectName: "loadButton"
                                    visible: model.installed
                                    text: qsTr("Load")
                                    highlighted: true
                                    Accessible.name: qsTr("Load %1 %2").arg(model.name).arg(model.quantization)
                                    onClicked: page.load(model.localPath)
                                }
                            }
                        }
                    }
                }

                // Where downloads come from: the hub or a mirror, and a token for gated repositories.
                GroupBox {
                    title: qsTr("Download source")
                    Layout.fillWidth: true

                    GridLayout {
                        anchors.fill: parent
                        columns: 3
                        columnSpacing: 8

                        Label { text: qsTr("Hub address") }
                        TextField {
                            id: hubField
                            objectName: "hubField"
                            text: page.models ? page.models.hubBaseUrl : ""
                            placeholderText: page.models ? page.models.defaultHubBaseUrl : ""
                            Layout.fillWidth: true
                            Accessible.name: qsTr("Hub address, for a mirror")
                            onEditingFinished: if (text !== page.models.hubBaseUrl) page.models.hubBaseUrl = text
                        }
                        Button {
                            text: qsTr("Default")
                            Accessible.name: qsTr("Use the default hub address")
                            onClicked: page.models.hubBaseUrl = ""
                        }

                        Label { text: qsTr("Access token") }
                        TextField {
                            id: tokenField
                            objectName: "tokenField"
                            echoMode: TextInput.Password
                            placeholderText: page.models && page.models.hubTokenSet
                                             ? qsTr("A token is saved") : qsTr("Only for gated models")
                            Layout.fillWidth: true
                            Accessible.name: qsTr("Hub access token")
                            onAccepted: {
                                page.models.setHubToken(text)
                                text = ""
                            }
                        }
                        Button {
                            objectName: "tokenButton"
                            text: tokenField.text !== "" ? qsTr("Save") : qsTr("Forget")
                            enabled: !(page.models && page.models.hubTokenBusy)
                                     && (tokenField.text !== "" || (page.models && page.models.hubTokenSet))
                            Accessible.name: tokenField.text !== "" ? qsTr("Save the access token")
                                                                    : qsTr("Forget the access token")
                            onClicked: {
                                page.models.setHubToken(tokenField.text)
                                tokenField.text = ""
                            }
                        }
                        // Where the token is kept: the system keyring, or (without one) a file only the user reads.
                        Label {
                            objectName: "tokenStorage"
                            visible: text !== ""
                            text: page.models && page.models.hubTokenStorage ? page.models.hubTokenStorage : ""
                            opacity: 0.7
                            wrapMode: Text.Wrap
                            Layout.columnSpan: 3
                            Layout.fillWidth: true
                        }
                    }
                }
            }

            // ---- On this computer ----
            ColumnLayout {
                spacing: 6

                RowLayout {
                    Layout.fillWidth: true
                    Label {
                        objectName: "folderLabel"
                        text: page.models ? qsTr("Folder: %1").arg(page.models.modelsFolder) : ""
                        elide: Text.ElideMiddle
                        Layout.fillWidth: true
                    }
                    CheckBox {
                        id: moveCheck
                        objectName: "moveCheck"
                        text: qsTr("Move instead of copy")
                        Accessible.name: qsTr("Move imported files instead of copying them")
                    }
                    Button {
                        objectName: "importButton"
                        text: page.models && page.models.importing ? qsTr("Importing…") : qsTr("Import…")
                        enabled: page.models ? !page.models.importing : false
                        Accessible.name: qsTr("Import a GGUF model file")
                        onClicked: importDialog.open()
                    }
                }

                ListView {
                    id: localList
                    objectName: "localList"
                    model: page.models ? page.models.localModels : null
                    clip: true
                    spacing: 6
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    ScrollBar.vertical: ScrollBar {}
                    Accessible.name: qsTr("Models on this computer")

                    Label {
                        anchors.centerIn: parent
                        width: parent.width - 40
                        visible: localList.count === 0
                        text: qsTr("No models here yet. Download one from the catalog, import a .gguf file, or drop one onto this page.")
                        wrapMode: Text.Wrap
                        horizontalAlignment: Text.AlignHCenter
                        opacity: 0.7
                    }

                    delegate: Frame {
                        id: localRow
                        objectName: "localRow_" + model.fileName
                        width: localList.width - 12

                        ColumnLayout {
                            anchors.fill: parent
                            spacing: 4
                            RowLayout {
                                Layout.fillWidth: true
                                Label {
                                    text: model.name
                                    font.bold: true
                                    elide: Text.ElideRight
                                    Layout.fillWidth: true
                                }
                                Label { text: model.sizeText }
                                Label { text: model.architecture; opacity: 0.7 }
                            }
                            Label {
                                text: model.fileName
                                opacity: 0.7
                                elide: Text.ElideMiddle
                                Layout.fillWidth: true
                            }
                            Label {
                                objectName: "typeMix"
                                text: qsTr("Tensor types: %1").arg(model.typeMix)
                                visible: model.typeMix !== ""
                                wrapMode: Text.Wrap
                                Layout.fillWidth: true
                            }
                            RowLayout {
                                Layout.fillWidth: true
                                visible: model.fit !== ""
                                Label {
                                    text: page.verdictText(model.fit)
                                    color: page.verdictColor(model.fit)
                                    font.bold: true
                                }
                                Label {
                                    text: model.fitText
                                    wrapMode: Text.Wrap
                                    Layout.fillWidth: true
                                }
                                Label { text: model.speedText }
                            }
                            Label {
                                objectName: "localError"
                                visible: model.error !== ""
                                text: qsTr("Cannot be loaded: %1").arg(model.error)
                                color: "#c62828"
                                wrapMode: Text.Wrap
                                Layout.fillWidth: true
                            }
                            RowLayout {
                                Item { Layout.fillWidth: true }
                                Button {
                                    objectName: "deleteButton"
                                    text: qsTr("Delete…")
                                    Accessible.name: qsTr("Delete %1").arg(model.fileName)
                                    onClicked: {
                                        deleteDialog.path = model.path
                                        deleteDialog.fileName = model.fileName
                                        deleteDialog.open()
                                    }
                                }
                                Button {
                                    objectName: "localLoadButton"
                                    text: qsTr("Load")
                                    enabled: model.error === ""
                                    highlighted: true
                                    Accessible.name: qsTr("Load %1").arg(model.fileName)
                                    onClicked: page.load(model.path)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    // Drop a .gguf onto the page to import it (the window underneath loads a dropped file instead).
    DropArea {
        id: importDrop
        objectName: "importDrop"
        anchors.fill: parent
        keys: ["text/uri-list"]
        onDropped: (drop) => {
            if (!drop.hasUrls || !page.models)
                return
            for (let i = 0; i < drop.urls.length; ++i)
                page.models.importFile(drop.urls[i].toString(), moveCheck.checked)
            tabs.currentIndex = 1
            drop.acceptProposedAction()
        }
    }
    Rectangle {
        anchors.fill: parent
        visible: importDrop.containsDrag
        color: "#302080ff"
        border.color: "#2080ff"
        border.width: 3
        Label {
            anchors.centerIn: parent
            text: qsTr("Drop the .gguf file to add it to your models")
            font.pixelSize: 20
        }
    }

    FileDialog {
        id: importDialog
        title: qsTr("Import a GGUF model")
        nameFilters: [qsTr("GGUF models (*.gguf)"), qsTr("All files (*)")]
        onAccepted: {
            page.models.importFile(selectedFile.toString(), moveCheck.checked)
            tabs.currentIndex = 1
        }
    }

    Dialog {
        id: deleteDialog
        objectName: "deleteModelDialog"
        property string path: ""
        property string fileName: ""
        title: qsTr("Delete model")
        modal: true
        anchors.centerIn: parent
        standardButtons: Dialog.Yes | Dialog.No
        width: Math.min(page.width - 60, 460)
        Label {
            text: qsTr("Delete %1 from the models folder? This cannot be undone.").arg(deleteDialog.fileName)
            wrapMode: Text.Wrap
            width: deleteDialog.availableWidth
        }
        onAccepted: page.models.deleteFile(path)
    }

    Dialog {
        id: removeDialog
        objectName: "removeAddedDialog"
        property string key: ""
        property string name: ""
        title: qsTr("Remove added model")
        modal: true
        anchors.centerIn: parent
        standardButtons: Dialog.Yes | Dialog.No
        width: Math.min(page.width - 60, 460)
        Label {
            text: qsTr("Remove %1 from the list? The part downloaded so far will be deleted.").arg(removeDialog.name)
            wrapMode: Text.Wrap
            width: removeDialog.availableWidth
        }
        onAccepted: page.models.removeAddedFile(key)
    }
}
