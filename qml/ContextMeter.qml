// The context meter: tokens used of the context length, KV-cache bytes used of those allocated, tokens left, and a
// bar that turns amber near full and red when the last answer stopped on a full context.
// Presentational: Main.qml binds the figures from ChatController.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

GroupBox {
    id: meter
    title: qsTr("Context")

    property int used: 0
    property int length: 0
    property int tokensLeft: 0
    property real kvBytesUsed: 0
    property real kvBytesAllocated: 0
    property bool warning: false
    property bool full: false
    property var numberLocale: Qt.locale()

    readonly property real fraction: length > 0 ? Math.min(1, used / length) : 0
    readonly property color barColor: full ? "#d93025" : warning ? "#f0a30a" : "#2f9e44"

    function bytes(value) {
        if (value >= 1024 * 1024 * 1024)
            return qsTr("%1 GiB").arg(Number(value / (1024 * 1024 * 1024)).toLocaleString(meter.numberLocale, "f", 2))
        if (value >= 1024 * 1024)
            return qsTr("%1 MiB").arg(Number(value / (1024 * 1024)).toLocaleString(meter.numberLocale, "f", 1))
        return qsTr("%1 KiB").arg(Number(value / 1024).toLocaleString(meter.numberLocale, "f", 0))
    }

    readonly property string tokensText: qsTr("%1 / %2 tokens").arg(Number(used).toLocaleString(numberLocale, "f", 0))
                                                                 .arg(Number(length).toLocaleString(numberLocale, "f", 0))
    readonly property string kvText: qsTr("KV cache %1 / %2").arg(bytes(kvBytesUsed)).arg(bytes(kvBytesAllocated))
    readonly property string leftText: qsTr("%1 tokens left").arg(Number(Math.max(0, tokensLeft)).toLocaleString(numberLocale, "f", 0))

    ColumnLayout {
        anchors.fill: parent
        spacing: 4

        Label {
            objectName: "tokensValue"
            text: meter.tokensText
            font.bold: true
            Accessible.name: qsTr("Context used: %1").arg(meter.tokensText)
        }
        Rectangle {
            objectName: "contextBar"
            Layout.fillWidth: true
            implicitHeight: 8
            radius: 4
            // The empty part of the bar: a shade of the window, light or dark.
            color: palette.window.hslLightness < 0.5 ? Qt.lighter(palette.window, 1.6) : "#e4e4e4"
            Accessible.role: Accessible.ProgressBar
            Accessible.name: qsTr("Context fill")
            Rectangle {
                width: parent.width * meter.fraction
                height: parent.height
                radius: parent.radius
                color: meter.barColor
            }
        }
        Label {
            objectName: "leftValue"
            text: meter.full ? qsTr("Full") : meter.leftText
            color: meter.warning || meter.full ? "#b26a00" : palette.windowText
        }
        Label {
            objectName: "kvValue"
            text: meter.kvText
            Accessible.name: meter.kvText
        }
    }
}
