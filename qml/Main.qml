// The main window: conversations on the left, the chat in the middle, the live speed panel and context meter on
// the right. Everything here binds to ChatController (Hearth.Core); the logic lives in C++.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Dialogs
import Hearth.Core

ApplicationWindow {
    id: window
    width: 1180
    height: 760
    minimumWidth: 720
    minimumHeight: 480
    visible: true
    title: ChatController.modelLoaded ? qsTr("Hearth — %1").arg(ChatController.modelName) : qsTr("Hearth")

    // Dark mode follows SettingsController.darkMode (theme or, for "system", the desktop's palette). The Basic style
    // draws with the window's palette: in dark mode each role gets a dark colour; in light mode each binding is
    // undefined, which resets the role to the style's own light palette.
    readonly property bool dark: SettingsController.darkMode
    palette.window: dark ? "#202124" : undefined
    palette.windowText: dark ? "#e8eaed" : undefined
    palette.base: dark ? "#2a2b2f" : undefined
    palette.alternateBase: dark ? "#303136" : undefined
    palette.text: dark ? "#e8eaed" : undefined
    palette.button: dark ? "#3a3b40" : undefined
    palette.buttonText: dark ? "#e8eaed" : undefined
    palette.brightText: dark ? "#ffffff" : undefined
    palette.highlight: dark ? "#4c8df6" : undefined
    palette.highlightedText: dark ? "#ffffff" : undefined
    palette.light: dark ? "#4a4b50" : undefined
    palette.midlight: dark ? "#3f4045" : undefined
    palette.mid: dark ? "#5f6368" : undefined
    palette.dark: dark ? "#17181a" : undefined
    palette.shadow: dark ? "#000000" : undefined
    palette.toolTipBase: dark ? "#3a3b40" : undefined
    palette.toolTipText: dark ? "#e8eaed" : undefined
    palette.placeholderText: dark ? "#9aa0a6" : undefined
    palette.link: dark ? "#8ab4f8" : undefined
    // The banners keep their tint in both modes; their text takes the window's text colour, which suits the tint.
    readonly property color errorBannerColor: dark ? "#5c1f1b" : "#fde2e1"
    readonly property color errorTextColor: dark ? "#ffd9d4" : "#8a1c14"
    readonly property color warningBannerColor: dark ? "#4d3b00" : "#fff1cc"

    // The error the user closed; a new error shows the banner again.
    property string dismissedError: ""
    // The user chose "Stop" on the context-full banner (keep the conversation as it is); a new full context asks again.
    property bool contextChoiceStop: false

    Connections {
        target: ChatController
        function onContextChanged() {
            if (!ChatController.contextFull)
                window.contextChoiceStop = false
        }
    }

    function openModelDialog() { modelDialog.open() }

    header: ToolBar {
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: 8
            anchors.rightMargin: 8
            spacing: 12

            Label {
                objectName: "modelNameLabel"
                text: ChatController.modelLoaded ? ChatController.modelName
                      : ChatController.loading ? qsTr("Loading model…") : qsTr("No model loaded")
                font.bold: true
                elide: Text.ElideMiddle
                Layout.maximumWidth: 360
                Accessible.name: qsTr("Model")
            }
            ProgressBar {
                objectName: "loadProgress"
                visible: ChatController.loading
                from: 0
                to: 1
                value: ChatController.loadProgress
                Layout.preferredWidth: 180
                Accessible.name: qsTr("Model loading progress")
            }
            Item { Layout.fillWidth: true }
            ToolButton {
                objectName: "exportButton"
                text: qsTr("Export")
                enabled: ChatController.currentConversationId !== 0
                Accessible.name: qsTr("Export this chat")
                onClicked: exportMenu.popup()
                Menu {
                    id: exportMenu
                    MenuItem {
                        text: qsTr("As Markdown…")
                        onTriggered: {
                            exportDialog.asJson = false
                            exportDialog.open()
                        }
                    }
                    MenuItem {
                        text: qsTr("As JSON…")
                        onTriggered: {
                            exportDialog.asJson = true
                            exportDialog.open()
                        }
                    }
                }
            }
            ToolButton {
                objectName: "documentsButton"
                text: DocumentsController.attachedCount > 0 ? qsTr("Documents (%1)").arg(DocumentsController.attachedCount)
                                                            : qsTr("Documents")
                Accessible.name: qsTr("Open the documents page: collections this chat can draw on")
                onClicked: documentsPage.open()
            }
            ToolButton {
                objectName: "modelsButton"
                text: qsTr("Models")
                Accessible.name: qsTr("Open the models page: catalog and models on this computer")
                onClicked: modelsPage.open()
            }
            ToolButton {
                objectName: "settingsButton"
                text: qsTr("Settings")
                Accessible.name: qsTr("Open the settings")
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Ctrl+,")
                onClicked: settingsPage.open()
            }
            ToolButton {
                text: qsTr("Open model…")
                Accessible.name: qsTr("Open a model file")
                onClicked: window.openModelDialog()
            }
            ToolButton {
                text: qsTr("Unload")
                visible: ChatController.modelLoaded
                enabled: !ChatController.generating
                Accessible.name: qsTr("Unload the model")
                onClicked: ChatController.unloadModel()
            }
        }
    }

    // Export of the conversation on screen (the branch shown), to a file the user names.
    FileDialog {
        id: exportDialog
        objectName: "exportDialog"
        property bool asJson: false
        title: asJson ? qsTr("Export the chat as JSON") : qsTr("Export the chat as Markdown")
        fileMode: FileDialog.SaveFile
        defaultSuffix: asJson ? "json" : "md"
        nameFilters: asJson ? [qsTr("JSON files (*.json)")] : [qsTr("Markdown files (*.md)")]
        onAccepted: asJson ? ChatController.exportJson(selectedFile.toString())
                           : ChatController.exportMarkdown(selectedFile.toString())
    }

    FileDialog {
        id: modelDialog
        title: qsTr("Open a GGUF model")
        nameFilters: [qsTr("GGUF models (*.gguf)"), qsTr("All files (*)")]
        onAccepted: ChatController.loadModel(selectedFile.toString())
    }

    SettingsPage {
        id: settingsPage
        settings: SettingsController
        canReload: ChatController.modelLoaded && !ChatController.loading && !ChatController.generating
        onReloadRequested: ChatController.loadModel(ChatController.modelPath)
    }

    ModelsPage {
        id: modelsPage
        models: ModelsController
        onLicencesRequested: licencesPage.open()
    }

    DocumentsPage {
        id: documentsPage
        documents: DocumentsController
        conversationOpen: ChatController.currentConversationId !== 0
    }

    LicencesPage {
        id: licencesPage
        modelLicences: ModelsController.modelLicences
    }

    Shortcut {
        sequence: "Ctrl+,"
        onActivated: settingsPage.open()
    }
    Shortcut {
        sequence: "Ctrl+N"
        onActivated: ChatController.newConversation()
    }
    Shortcut {
        sequence: "Ctrl+L"
        onActivated: chatView.focusInput()
    }
    Shortcut {
        sequence: "Escape"
        enabled: ChatController.generating
        onActivated: ChatController.stop()
    }

    RowLayout {
        anchors.fill: parent
        spacing: 0

        Sidebar {
            Layout.fillWidth: false
            Layout.preferredWidth: 260
            Layout.fillHeight: true
        }

        ToolSeparator { orientation: Qt.Vertical; Layout.fillHeight: true }

        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.minimumWidth: 320
            spacing: 0

            // Errors: one readable line, closable.
            Rectangle {
                objectName: "errorBanner"
                visible: ChatController.lastError !== "" && ChatController.lastError !== window.dismissedError
                Layout.fillWidth: true
                implicitHeight: errorRow.implicitHeight + 12
                color: window.errorBannerColor
                RowLayout {
                    id: errorRow
                    anchors.fill: parent
                    anchors.margins: 6
                    Label {
                        text: ChatController.lastError
                        color: window.errorTextColor
                        wrapMode: Text.Wrap
                        Layout.fillWidth: true
                        Accessible.name: qsTr("Error")
                    }
                    ToolButton {
                        text: qsTr("Close")
                        Accessible.name: qsTr("Close the error message")
                        onClicked: window.dismissedError = ChatController.lastError
                    }
                }
            }

            // A model that will not fit in RAM was refused with the numbers: the user loads it anyway or not.
            Rectangle {
                objectName: "fitBanner"
                visible: ChatController.fitWarning !== ""
                Layout.fillWidth: true
                implicitHeight: fitRow.implicitHeight + 12
                color: window.warningBannerColor
                RowLayout {
                    id: fitRow
                    anchors.fill: parent
                    anchors.margins: 6
                    Label {
                        objectName: "fitMessage"
                        text: qsTr("Not loaded: %1. Loading it anyway may make the computer very slow.")
                              .arg(ChatController.fitWarning)
                        wrapMode: Text.Wrap
                        Layout.fillWidth: true
                        Accessible.name: qsTr("Model too large")
                    }
                    Button {
                        objectName: "loadAnywayButton"
                        text: qsTr("Load anyway")
                        Accessible.name: qsTr("Load the model anyway")
                        onClicked: ChatController.loadAnyway()
                    }
                    Button {
                        objectName: "fitCancelButton"
                        text: qsTr("Cancel")
                        Accessible.name: qsTr("Do not load the model")
                        onClicked: ChatController.dismissFit()
                    }
                }
            }

            // The context is full: the user chooses, nothing is dropped silently.
            Rectangle {
                objectName: "contextFullBanner"
                visible: ChatController.contextFull && !window.contextChoiceStop
                Layout.fillWidth: true
                implicitHeight: fullRow.implicitHeight + 12
                color: window.warningBannerColor
                RowLayout {
                    id: fullRow
                    anchors.fill: parent
                    anchors.margins: 6
                    Label {
                        text: qsTr("The context is full (%1 of %2 tokens). Drop the oldest turns to continue? The system prompt is kept.")
                              .arg(ChatController.contextUsed).arg(ChatController.contextLength)
                        wrapMode: Text.Wrap
                        Layout.fillWidth: true
                    }
                    Button {
                        text: qsTr("Drop oldest turns")
                        Accessible.name: text
                        onClicked: ChatController.dropOldestTurns()
                    }
                    Button {
                        text: qsTr("Stop")
                        Accessible.name: qsTr("Stop this conversation here")
                        onClicked: {
                            ChatController.stop()
                            window.contextChoiceStop = true
                        }
                    }
                    Button {
                        text: qsTr("New chat")
                        Accessible.name: qsTr("Start a new chat")
                        onClicked: ChatController.newConversation()
                    }
                }
            }

            Item {
                Layout.fillWidth: true
                Layout.fillHeight: true

                ChatView {
                    id: chatView
                    anchors.fill: parent
                    onDocumentsRequested: documentsPage.open()
                }

                FirstRun {
                    anchors.fill: parent
                    visible: !ChatController.modelLoaded && chatView.messageCount === 0
                    loading: ChatController.loading
                    onOpenRequested: window.openModelDialog()
                    onModelsRequested: modelsPage.open()
                }
            }
        }

        ToolSeparator { orientation: Qt.Vertical; Layout.fillHeight: true }

        // A nested layout fills by default; this column keeps its width and the chat takes the rest.
        ColumnLayout {
            Layout.fillWidth: false
            Layout.preferredWidth: 250
            Layout.fillHeight: true
            Layout.margins: 8
            spacing: 12

            SpeedPanel {
                Layout.fillWidth: true
                promptTokensPerSecond: ChatController.promptTokensPerSecond
                generateTokensPerSecond: ChatController.generateTokensPerSecond
                timeToFirstTokenMs: ChatController.timeToFirstTokenMs
                effectiveGBps: ChatController.effectiveGBps
                memoryGBps: ChatController.memoryGBps
                measuring: MachineController.measuring
                measuredAt: MachineController.measuredAt
                onRemeasureRequested: MachineController.remeasure()
                bandwidthFraction: ChatController.bandwidthFraction
                samples: ChatController.sparkline
            }
            ContextMeter {
                Layout.fillWidth: true
                used: ChatController.contextUsed
                length: ChatController.contextLength
                tokensLeft: ChatController.contextLeft
                kvBytesUsed: ChatController.kvBytesUsed
                kvBytesAllocated: ChatController.kvBytesAllocated
                warning: ChatController.contextWarning
                full: ChatController.contextFull
            }
            Item { Layout.fillHeight: true }
        }
    }

    // Drag a .gguf file onto the window to load it; other files and folders become this chat's documents.
    DropArea {
        id: dropArea
        anchors.fill: parent
        keys: ["text/uri-list"]
        onDropped: (drop) => {
            if (drop.hasUrls && drop.urls.length > 0) {
                ChatController.dropUrls(drop.urls)
                drop.acceptProposedAction()
            }
        }
    }
    Rectangle {
        anchors.fill: parent
        visible: dropArea.containsDrag
        color: "#302080ff"
        border.color: "#2080ff"
        border.width: 3
        Label {
            anchors.centerIn: parent
            text: qsTr("Drop a .gguf file to load it, or documents to use them in this chat")
            font.pixelSize: 22
        }
    }
}
