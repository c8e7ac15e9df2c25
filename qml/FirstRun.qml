// Shown while no model is loaded and the chat is empty: how to get started.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Pane {
    id: firstRun
    objectName: "firstRun"

    property bool loading: false
    signal openRequested()
    // The user wants to pick a model from the catalog (the models page).
    signal modelsRequested()

    ColumnLayout {
        anchors.centerIn: parent
        width: Math.min(parent.width - 40, 520)
        spacing: 14

        Label {
            text: qsTr("Welcome to Hearth")
            font.pixelSize: 26
            font.bold: true
            Layout.alignment: Qt.AlignHCenter
        }
        Label {
            text: qsTr("Chat with language models offline, on your CPU. Nothing you type leaves this computer.")
            wrapMode: Text.Wrap
            horizontalAlignment: Text.AlignHCenter
            Layout.fillWidth: true
        }
        Rectangle {
            Layout.fillWidth: true
            implicitHeight: 120
            radius: 10
            color: "transparent"
            border.color: "#9aa7b8"
            border.width: 2
            Label {
                anchors.centerIn: parent
                width: parent.width - 24
                text: firstRun.loading ? qsTr("Loading the model…") : qsTr("Drop a .gguf file here")
                font.pixelSize: 18
                wrapMode: Text.Wrap
                horizontalAlignment: Text.AlignHCenter
            }
        }
        RowLayout {
            Layout.alignment: Qt.AlignHCenter
            spacing: 12
            Button {
                objectName: "browseModelsButton"
                text: qsTr("Browse models…")
                enabled: !firstRun.loading
                highlighted: true
                Accessible.name: qsTr("Choose a model to download from the catalog")
                onClicked: firstRun.modelsRequested()
            }
            Button {
                objectName: "openModelButton"
                text: qsTr("Open model…")
                enabled: !firstRun.loading
                Accessible.name: qsTr("Open a model file")
                onClicked: firstRun.openRequested()
            }
        }
        Label {
            text: qsTr("The models page lists models that run on this computer, with how much memory each needs and how fast it will answer. Any GGUF model file works too, for example a small one such as ../shared/models/stories260K.gguf to try it out.")
            wrapMode: Text.Wrap
            opacity: 0.7
            horizontalAlignment: Text.AlignHCenter
            Layout.fillWidth: true
        }
    }
}
