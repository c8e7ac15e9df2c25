// The messages of the branch on screen and the input: Enter sends, Shift+Enter starts a new line; Send, Stop
// (while an answer streams) and Regenerate.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Core

Pane {
    id: chat
    padding: 0

    property alias messageCount: messageList.count

    function focusInput() { input.forceActiveFocus() }
    function sendInput() {
        if (ChatController.send(input.text))
            input.clear()
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        // The conversation's system prompt: one line when collapsed, an editor when open. Saved when the editor
        // loses focus; without a conversation it is the default for the next new chat.
        ColumnLayout {
            objectName: "systemPromptBar"
            Layout.fillWidth: true
            Layout.leftMargin: 8
            Layout.rightMargin: 8
            Layout.topMargin: 4
            spacing: 2

            RowLayout {
                Layout.fillWidth: true
                ToolButton {
                    id: promptToggle
                    objectName: "systemPromptToggle"
                    checkable: true
                    text: (checked ? "\u25BE " : "\u25B8 ") + qsTr("System prompt")
                    Accessible.name: checked ? qsTr("Hide the system prompt") : qsTr("Show the system prompt")
                }
                Label {
                    objectName: "systemPromptSummary"
                    visible: !promptToggle.checked
                    text: ChatController.systemPrompt.trim() === ""
                          ? qsTr("none")
                          : ChatController.systemPrompt.trim().split("\n")[0]
                    opacity: 0.7
                    elide: Text.ElideRight
                    Layout.fillWidth: true
                    Accessible.name: qsTr("System prompt")
                }
                Label {
                    visible: promptToggle.checked && ChatController.currentConversationId === 0
                    text: qsTr("(for new chats)")
                    opacity: 0.7
                    Layout.fillWidth: true
                }
            }
            ScrollView {
                visible: promptToggle.checked
                Layout.fillWidth: true
                Layout.preferredHeight: Math.min(Math.max(promptEditor.implicitHeight, 60), 160)
                TextArea {
                    id: promptEditor
                    objectName: "systemPromptEditor"
                    text: ChatController.systemPrompt
                    placeholderText: qsTr("Instructions the model follows in this chat, e.g. “Answer briefly.”")
                    wrapMode: TextEdit.Wrap
                    Accessible.name: qsTr("System prompt")
                    background: Rectangle {
                        color: promptEditor.palette.base
                        border.color: promptEditor.activeFocus ? promptEditor.palette.highlight : promptEditor.palette.mid
                        radius: 2
                    }
                    onEditingFinished: {
                        if (text !== ChatController.systemPrompt)
                            ChatController.systemPrompt = text
                    }
                }
            }
        }

        ListView {
            id: messageList
            objectName: "messageList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            spacing: 10
            topMargin: 12
            bottomMargin: 12
            model: ChatController.messages
            ScrollBar.vertical: ScrollBar {}
            Accessible.name: qsTr("Messages")

            // Follow the streaming answer while the user is at the bottom; scrolling up stops following.
            property bool following: true
            onMovementEnded: following = atYEnd
            onContentHeightChanged: if (following) positionViewAtEnd()
            onCountChanged: {
                following = true
                positionViewAtEnd()
            }

            delegate: MessageBubble {
                width: ListView.view.width
            }
        }

        ToolSeparator { orientation: Qt.Horizontal; Layout.fillWidth: true }

        RowLayout {
            Layout.fillWidth: true
            Layout.margins: 8
            spacing: 8

            ScrollView {
                Layout.fillWidth: true
                Layout.preferredHeight: Math.min(Math.max(input.implicitHeight, 44), 160)
                TextArea {
                    id: input
                    objectName: "messageInput"
                    placeholderText: ChatController.modelLoaded ? qsTr("Message (Enter to send, Shift+Enter for a new line)")
                                                                : qsTr("Load a model to start chatting")
                    wrapMode: TextEdit.Wrap
                    Accessible.name: qsTr("Message input")
                    Keys.onPressed: (event) => {
                        if ((event.key === Qt.Key_Return || event.key === Qt.Key_Enter)
                                && !(event.modifiers & Qt.ShiftModifier)) {
                            event.accepted = true
                            if (!ChatController.generating)
                                chat.sendInput()
                        }
                    }
                }
            }

            Button {
                objectName: "sendButton"
                text: qsTr("Send")
                visible: !ChatController.generating
                enabled: ChatController.modelLoaded && input.text.trim().length > 0
                highlighted: true
                Accessible.name: qsTr("Send the message")
                onClicked: chat.sendInput()
            }
            Button {
                objectName: "stopButton"
                text: qsTr("Stop")
                visible: ChatController.generating
                Accessible.name: qsTr("Stop generating")
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Escape")
                onClicked: ChatController.stop()
            }
            Button {
                objectName: "regenerateButton"
                text: qsTr("Regenerate")
                enabled: ChatController.modelLoaded && !ChatController.generating && messageList.count > 0
                Accessible.name: qsTr("Regenerate the last answer")
                onClicked: ChatController.regenerate()
            }
        }
    }
}
