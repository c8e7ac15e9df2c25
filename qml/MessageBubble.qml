// One message: user messages on the right as plain text, answers on the left rendered as Markdown. Copy, edit
// (user messages: resend as a new branch) and the "< 1/2 >" branch switch when the message has siblings. Under an
// answer given document snippets: its sources, numbered as in the prompt, each opening its file when clicked, with
// its BM25 / vector ranks and the snippet on demand.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Core

Item {
    id: message

    // Roles of MessageListModel.
    required property int index
    required property string role
    required property string text
    required property bool complete
    required property int branchIndex
    required property int branchCount
    required property var sources  // [{path, label, page, lineStart, lineEnd, snippet, bm25Rank, vectorRank}]

    readonly property bool isUser: role === "user"
    // The window's palette is dark in dark mode (Main.qml): the bubbles follow it.
    readonly property bool dark: palette.window.hslLightness < 0.5
    readonly property real maxBubbleWidth: Math.max(200, width * 0.78)
    property bool editing: false

    function ranksText(source) {
        let parts = []
        if (source.bm25Rank > 0)
            parts.push(qsTr("BM25 #%1").arg(source.bm25Rank))
        if (source.vectorRank > 0)
            parts.push(qsTr("vector #%1").arg(source.vectorRank))
        return parts.join(" · ")
    }

    implicitHeight: bubble.height

    Rectangle {
        id: bubble
        anchors.right: message.isUser ? parent.right : undefined
        anchors.left: message.isUser ? undefined : parent.left
        anchors.leftMargin: 12
        anchors.rightMargin: 12
        width: message.editing ? message.maxBubbleWidth
               : Math.max(Math.min(message.isUser ? body.implicitWidth
                                                  : Math.max(answer.implicitWidth, sourcesColumn.implicitWidth),
                                   message.maxBubbleWidth - 24), tools.implicitWidth) + 24
        height: column.implicitHeight + 16
        radius: 8
        color: message.dark ? (message.isUser ? "#263a5c" : "#2f3034") : (message.isUser ? "#dbe9ff" : "#f2f2f2")
        border.color: message.dark ? (message.isUser ? "#38537f" : "#45464b")
                                   : (message.isUser ? "#b8d0f5" : "#e0e0e0")
        // The tool buttons draw their text with the palette: dark text on a light bubble, light on a dark one.
        palette.buttonText: message.dark ? "#e8eaed" : "#1a1a1a"

        ColumnLayout {
            id: column
            anchors.fill: parent
            anchors.margins: 8
            spacing: 4

            // A user message: plain text, as typed.
            TextEdit {
                id: body
                objectName: "messageText"
                visible: message.isUser && !message.editing
                text: message.isUser ? message.text : ""
                textFormat: TextEdit.PlainText
                readOnly: true
                selectByMouse: true
                wrapMode: TextEdit.Wrap
                color: message.dark ? "#e8eaed" : "#1a1a1a"
                Layout.fillWidth: true
                Layout.maximumWidth: message.maxBubbleWidth - 24
                Accessible.name: qsTr("Your message")
            }

            // An answer: its prose as Markdown and each fenced code block on its own, with a copy button
            // (MarkdownGuard.blocks: the prose's images become links and its raw HTML text, so nothing is fetched).
            ColumnLayout {
                id: answer
                visible: !message.isUser
                spacing: 6
                Layout.fillWidth: true
                Layout.maximumWidth: message.maxBubbleWidth - 24

                Repeater {
                    model: message.isUser ? [] : MarkdownGuard.blocks(message.text)

                    delegate: ColumnLayout {
                        id: block
                        required property var modelData
                        spacing: 0
                        Layout.fillWidth: true

                        TextEdit {
                            objectName: "messageText"
                            visible: !block.modelData.code
                            text: block.modelData.code ? "" : block.modelData.text
                            textFormat: TextEdit.MarkdownText
                            readOnly: true
                            selectByMouse: true
                            wrapMode: TextEdit.Wrap
                            color: message.dark ? "#e8eaed" : "#1a1a1a"
                            Layout.fillWidth: true
                            Accessible.name: qsTr("Answer")
                            // Links are never fetched by themselves: they open only when clicked.
                            onLinkActivated: (link) => Qt.openUrlExternally(link)
                        }

                        Rectangle {
                            objectName: "codeBlock"
                            visible: block.modelData.code
                            color: message.dark ? "#1e1f22" : "#ffffff"
                            border.color: message.dark ? "#45464b" : "#d6d6d6"
                            radius: 4
                            implicitWidth: Math.max(code.implicitWidth, codeHeader.implicitWidth) + 16
                            implicitHeight: visible ? codeColumn.implicitHeight + 12 : 0
                            Layout.fillWidth: true

                            ColumnLayout {
                                id: codeColumn
                                anchors.fill: parent
                                anchors.margins: 6
                                spacing: 2

                                RowLayout {
                                    id: codeHeader
                                    Layout.fillWidth: true
                                    Label {
                                        text: block.modelData.language
                                        opacity: 0.7
                                        font.pixelSize: 11
                                    }
                                    Item { Layout.fillWidth: true }
                                    ToolButton {
                                        objectName: "copyCodeButton"
                                        text: qsTr("Copy code")
                                        font.pixelSize: 11
                                        Accessible.name: qsTr("Copy the code")
                                        onClicked: ChatController.copyToClipboard(block.modelData.text)
                                    }
                                }
                                TextEdit {
                                    id: code
                                    text: block.modelData.code ? block.modelData.text : ""
                                    textFormat: TextEdit.PlainText
                                    font.family: "monospace"
                                    readOnly: true
                                    selectByMouse: true
                                    wrapMode: TextEdit.WrapAnywhere
                                    color: message.dark ? "#e8eaed" : "#1a1a1a"
                                    Layout.fillWidth: true
                                    Accessible.name: qsTr("Code")
                                }
                            }
                        }
                    }
                }
            }

            ColumnLayout {
                id: sourcesColumn
                objectName: "sourcesList"
                visible: !message.isUser && message.sources.length > 0
                spacing: 0
                Layout.fillWidth: true
                Layout.maximumWidth: message.maxBubbleWidth - 24

                Label {
                    text: qsTr("Sources")
                    font.bold: true
                    font.pixelSize: 12
                    opacity: 0.8
                }
                Repeater {
                    model: message.isUser ? [] : message.sources

                    delegate: ColumnLayout {
                        id: source
                        required property var modelData
                        required property int index
                        property bool expanded: false
                        spacing: 0
                        Layout.fillWidth: true

                        RowLayout {
                            spacing: 4
                            Layout.fillWidth: true
                            ToolButton {
                                objectName: "sourceLink"
                                text: qsTr("[%1] %2").arg(source.index + 1).arg(source.modelData.label)
                                font.pixelSize: 12
                                font.underline: true
                                Accessible.name: qsTr("Open %1").arg(source.modelData.label)
                                ToolTip.visible: hovered
                                ToolTip.text: source.modelData.path
                                onClicked: DocumentsController.openSource(source.modelData.path)
                            }
                            Label {
                                objectName: "sourceRanks"
                                text: message.ranksText(source.modelData)
                                font.pixelSize: 11
                                opacity: 0.7
                            }
                            Item { Layout.fillWidth: true }
                            ToolButton {
                                objectName: "snippetToggle"
                                text: source.expanded ? qsTr("Hide snippet") : qsTr("Show snippet")
                                font.pixelSize: 11
                                Accessible.name: text
                                onClicked: source.expanded = !source.expanded
                            }
                        }
                        TextEdit {
                            objectName: "sourceSnippet"
                            visible: source.expanded
                            text: source.modelData.snippet
                            textFormat: TextEdit.PlainText
                            readOnly: true
                            selectByMouse: true
                            wrapMode: TextEdit.Wrap
                            font.pixelSize: 12
                            color: message.dark ? "#c8cacd" : "#3a3a3a"
                            Layout.fillWidth: true
                            Layout.leftMargin: 8
                            Accessible.name: qsTr("Snippet")
                        }
                    }
                }
            }

            TextArea {
                id: editArea
                visible: message.editing
                wrapMode: TextEdit.Wrap
                Layout.fillWidth: true
                Accessible.name: qsTr("Edit the message")
            }

            RowLayout {
                id: tools
                spacing: 2
                Layout.fillWidth: true

                BusyIndicator {
                    visible: !message.complete
                    running: visible
                    Layout.preferredWidth: 20
                    Layout.preferredHeight: 20
                    Accessible.name: qsTr("Generating")
                }

                // Branches: the other answers (or edits) at this point of the conversation.
                ToolButton {
                    visible: message.branchCount > 1
                    enabled: message.branchIndex > 0 && !ChatController.generating
                    text: "<"
                    Accessible.name: qsTr("Previous version")
                    onClicked: ChatController.switchBranch(message.index, -1)
                }
                Label {
                    visible: message.branchCount > 1
                    text: qsTr("%1/%2").arg(message.branchIndex + 1).arg(message.branchCount)
                    Accessible.name: qsTr("Version %1 of %2").arg(message.branchIndex + 1).arg(message.branchCount)
                }
                ToolButton {
                    visible: message.branchCount > 1
                    enabled: message.branchIndex + 1 < message.branchCount && !ChatController.generating
                    text: ">"
                    Accessible.name: qsTr("Next version")
                    onClicked: ChatController.switchBranch(message.index, 1)
                }

                Item { Layout.fillWidth: true }

                ToolButton {
                    visible: !message.editing
                    text: qsTr("Copy")
                    font.pixelSize: 11
                    Accessible.name: qsTr("Copy the message")
                    onClicked: ChatController.copyToClipboard(message.text)
                }
                ToolButton {
                    visible: message.isUser && !message.editing
                    enabled: !ChatController.generating && ChatController.modelLoaded
                    text: qsTr("Edit")
                    font.pixelSize: 11
                    Accessible.name: qsTr("Edit and resend the message")
                    onClicked: {
                        editArea.text = message.text
                        message.editing = true
                        editArea.forceActiveFocus()
                    }
                }
                ToolButton {
                    visible: message.editing
                    text: qsTr("Cancel")
                    Accessible.name: qsTr("Cancel the edit")
                    onClicked: message.editing = false
                }
                ToolButton {
                    visible: message.editing
                    text: qsTr("Send")
                    Accessible.name: qsTr("Send the edited message")
                    onClicked: {
                        if (ChatController.editAndResend(message.index, editArea.text))
                            message.editing = false
                    }
                }
            }
        }
    }
}
