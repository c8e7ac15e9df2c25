// The conversations: new chat, search by title, the list with rename and delete (delete asks first).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Core

Pane {
    id: sidebar
    padding: 8

    // The conversation a dialog acts on.
    property var pendingId: 0
    property string pendingTitle: ""

    ColumnLayout {
        anchors.fill: parent
        spacing: 8

        Button {
            objectName: "newChatButton"
            text: qsTr("New chat")
            icon.name: "list-add"
            Layout.fillWidth: true
            Accessible.name: qsTr("New chat")
            ToolTip.visible: hovered
            ToolTip.text: qsTr("Ctrl+N")
            onClicked: ChatController.newConversation()
        }

        TextField {
            objectName: "searchField"
            placeholderText: qsTr("Search chats")
            text: ChatController.searchText
            Layout.fillWidth: true
            Accessible.name: qsTr("Search chats by title")
            onTextEdited: ChatController.searchText = text
        }

        ListView {
            id: conversationList
            objectName: "conversationList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: ChatController.conversations
            ScrollBar.vertical: ScrollBar {}
            Accessible.name: qsTr("Conversations")

            delegate: ItemDelegate {
                id: item
                required property var model
                width: ListView.view.width
                highlighted: model.id === ChatController.currentConversationId
                Accessible.name: model.title
                onClicked: ChatController.selectConversation(model.id)

                contentItem: RowLayout {
                    spacing: 4
                    Label {
                        text: item.model.title !== "" ? item.model.title : qsTr("New chat")
                        elide: Text.ElideRight
                        Layout.fillWidth: true
                    }
                    ToolButton {
                        objectName: "conversationActions"
                        text: "⋯"
                        Accessible.name: qsTr("Actions for %1").arg(item.model.title)
                        onClicked: actions.popup()
                        Menu {
                            id: actions
                            MenuItem {
                                objectName: "renameAction"
                                text: qsTr("Rename…")
                                onTriggered: {
                                    sidebar.pendingId = item.model.id
                                    sidebar.pendingTitle = item.model.title
                                    renameDialog.open()
                                }
                            }
                            MenuItem {
                                objectName: "deleteAction"
                                text: qsTr("Delete…")
                                onTriggered: {
                                    sidebar.pendingId = item.model.id
                                    sidebar.pendingTitle = item.model.title
                                    deleteDialog.open()
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    Dialog {
        id: renameDialog
        objectName: "renameDialog"
        title: qsTr("Rename chat")
        modal: true
        anchors.centerIn: Overlay.overlay
        standardButtons: Dialog.Ok | Dialog.Cancel
        onOpened: {
            titleField.text = sidebar.pendingTitle
            titleField.selectAll()
            titleField.forceActiveFocus()
        }
        onAccepted: ChatController.renameConversation(sidebar.pendingId, titleField.text)
        TextField {
            id: titleField
            objectName: "renameField"
            width: 300
            Accessible.name: qsTr("New title")
            onAccepted: renameDialog.accept()
        }
    }

    Dialog {
        id: deleteDialog
        objectName: "deleteDialog"
        title: qsTr("Delete chat?")
        modal: true
        anchors.centerIn: Overlay.overlay
        standardButtons: Dialog.Yes | Dialog.No
        // Fixed, so the wrapped label's height does not feed back into the dialog's width.
        contentWidth: 320
        onAccepted: ChatController.deleteConversation(sidebar.pendingId)
        Label {
            text: qsTr("“%1” and all its messages will be deleted.").arg(sidebar.pendingTitle)
            wrapMode: Text.Wrap
            width: 320
        }
    }
}
