// The messages of the branch on screen and the input: Enter sends, Shift+Enter starts a new line; Send, Stop
// (while an answer streams) and Regenerate. Above the input, when the chat uses document collections: which ones,
// and what the snippets found for the text being typed will add to the prompt (tokens, KV cache) of the budget.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Core

Pane {
    id: chat
    padding: 0

    property alias messageCount: messageList.count
    property var numberLocale: Qt.locale()
    // The user asked for the documents page.
    signal documentsRequested()

    function focusInput() { input.forceActiveFocus() }
    function sendInput() {
        if (ChatController.send(input.text))
            input.clear()
    }
    function bytes(value) {
        if (value >= 1024 * 1024)
            return qsTr("%1 MiB").arg(Number(value / (1024 * 1024)).toLocaleString(chat.numberLocale, "f", 1))
        return qsTr("%1 KiB").arg(Number(value / 1024).toLocaleString(chat.numberLocale, "f", 0))
    }
    function previewText() {
        const budget = Number(DocumentsController.tokenBudget).toLocaleString(chat.numberLocale, "f", 0)
        if (ChatController.searchingDocuments)
            return qsTr("Searching your documents…")
        if (!DocumentsController.previewActive)
            return qsTr("Snippet budget: %1 tokens").arg(budget)
        if (DocumentsController.previewPending && DocumentsController.previewSnippets === 0)
            return qsTr("Searching your documents…")
        if (DocumentsController.previewSnippets === 0)
            return qsTr("No matching snippets (budget %1 tokens)").arg(budget)
        const tokens = (DocumentsController.previewExact ? "" : "≈")
                       + Number(DocumentsController.previewTokens).toLocaleString(chat.numberLocale, "f", 0)
        if (DocumentsController.previewKvBytes > 0)
            return qsTr("Snippets: %1 · +%2 tokens · +%3 KV cache · budget %4 tokens")
                   .arg(DocumentsController.previewSnippets).arg(tokens)
                   .arg(chat.bytes(DocumentsController.previewKvBytes)).arg(budget)
        return qsTr("Snippets: %1 · +%2 tokens · budget %3 tokens")
               .arg(DocumentsController.previewSnippets).arg(tokens).arg(budget)
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

        // Flows onto a second line when the window is narrow, so the figures are never cut off.
        Flow {
            objectName: "documentsBar"
            visible: DocumentsController.attachedCount > 0
            Layout.fillWidth: true
            Layout.leftMargin: 8
            Layout.rightMargin: 8
            spacing: 8
            Label {
                objectName: "attachedCollections"
                text: qsTr("Documents: %1").arg(DocumentsController.attachedNames.join(", "))
                width: Math.min(implicitWidth, parent.width)
                height: manageDocuments.height
                verticalAlignment: Text.AlignVCenter
                elide: Text.ElideRight
                Accessible.name: text
            }
            Label {
                objectName: "contextPreview"
                text: chat.previewText()
                opacity: 0.8
                width: Math.min(implicitWidth, parent.width)
                height: manageDocuments.height
                verticalAlignment: Text.AlignVCenter
                elide: Text.ElideRight
                Accessible.name: text
            }
            ToolButton {
                id: manageDocuments
                text: qsTr("Manage…")
                Accessible.name: qsTr("Open the documents page")
                onClicked: chat.documentsRequested()
            }
        }

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
                    // What the documents' snippets for this text will cost, measured after a pause in typing.
                    onTextChanged: DocumentsController.previewQuestion(text)
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
