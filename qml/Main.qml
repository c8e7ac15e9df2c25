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

    FileDialog {
        id: modelDialog
        title: qsTr("Open a GGUF model")
        nameFilters: [qsTr("GGUF models (*.gguf)"), qsTr("All files (*)")]
        onAccepted: ChatController.loadModel(selectedFile.toString())
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
                color: "#fde2e1"
                RowLayout {
                    id: errorRow
                    anchors.fill: parent
                    anchors.margins: 6
                    Label {
                        text: ChatController.lastError
                        color: "#8a1c14"
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

            // The context is full: the user chooses, nothing is dropped silently.
            Rectangle {
                objectName: "contextFullBanner"
                visible: ChatController.contextFull && !window.contextChoiceStop
                Layout.fillWidth: true
                implicitHeight: fullRow.implicitHeight + 12
                color: "#fff1cc"
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
                }

                FirstRun {
                    anchors.fill: parent
                    visible: !ChatController.modelLoaded && chatView.messageCount === 0
                    loading: ChatController.loading
                    onOpenRequested: window.openModelDialog()
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

    // Drag a .gguf file onto the window to load it (the controller refuses anything else with a message).
    DropArea {
        id: dropArea
        anchors.fill: parent
        keys: ["text/uri-list"]
        onDropped: (drop) => {
            if (drop.hasUrls && drop.urls.length > 0) {
                ChatController.loadModel(drop.urls[0].toString())
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
            text: qsTr("Drop the .gguf file to load it")
            font.pixelSize: 22
        }
    }
}
