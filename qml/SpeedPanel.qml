// The live speed panel: prompt and generation tok/s, time to first token, and the memory bandwidth the answer
// uses (bytes read per token x tok/s) against the machine's measured bandwidth, with a sparkline of tok/s.
// Presentational: Main.qml binds the figures from ChatController and MachineController (the measured bandwidth,
// measuring, re-measure), so tests can set them directly.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

GroupBox {
    id: panel
    title: qsTr("Speed")

    property real promptTokensPerSecond: 0
    property real generateTokensPerSecond: 0
    property real timeToFirstTokenMs: 0
    property real effectiveGBps: 0
    property real memoryGBps: 0       // measured read bandwidth; 0: not measured yet
    property bool measuring: false    // the bandwidth is being measured now
    property string measuredAt: ""    // when it was measured (local date and time)
    property real bandwidthFraction: 0
    property var samples: []          // tok/s over the answer
    property var numberLocale: Qt.locale()

    signal remeasureRequested()

    // "—" until there is a figure; numbers in the user's locale.
    function number(value, decimals) {
        return value > 0 ? Number(value).toLocaleString(panel.numberLocale, "f", decimals) : "—"
    }

    readonly property string promptText: number(promptTokensPerSecond, 1)
    readonly property string generateText: number(generateTokensPerSecond, 1)
    // A tiny model answers in under a millisecond: one decimal below 10 ms, so it does not read "0 ms".
    readonly property string ttftText: timeToFirstTokenMs > 0
                                       ? qsTr("%1 ms").arg(number(timeToFirstTokenMs, timeToFirstTokenMs < 10 ? 1 : 0))
                                       : "—"
    readonly property string bandwidthText: effectiveGBps <= 0 ? "—"
        : memoryGBps > 0 ? qsTr("%1 GB/s (%2 % of %3)").arg(number(effectiveGBps, 1))
                                                          .arg(number(bandwidthFraction * 100, 0))
                                                          .arg(number(memoryGBps, 1))
        : qsTr("%1 GB/s").arg(number(effectiveGBps, 1))
    readonly property string machineText: measuring ? qsTr("measuring…")
        : memoryGBps > 0 ? (measuredAt !== "" ? qsTr("%1 GB/s, measured %2").arg(number(memoryGBps, 1)).arg(measuredAt)
                                              : qsTr("%1 GB/s").arg(number(memoryGBps, 1)))
        : "—"

    onSamplesChanged: sparkline.requestPaint()

    GridLayout {
        anchors.fill: parent
        columns: 2
        columnSpacing: 12
        rowSpacing: 4

        Label { text: qsTr("Prompt") }
        Label {
            objectName: "promptValue"
            text: panel.promptTokensPerSecond > 0 ? qsTr("%1 tok/s").arg(panel.promptText) : "—"
            font.bold: true
            Layout.alignment: Qt.AlignRight
            Accessible.name: qsTr("Prompt processing speed: %1 tokens per second").arg(panel.promptText)
        }
        Label { text: qsTr("Generation") }
        Label {
            objectName: "generateValue"
            text: panel.generateTokensPerSecond > 0 ? qsTr("%1 tok/s").arg(panel.generateText) : "—"
            font.bold: true
            Layout.alignment: Qt.AlignRight
            Accessible.name: qsTr("Generation speed: %1 tokens per second").arg(panel.generateText)
        }
        Label { text: qsTr("First token") }
        Label {
            objectName: "ttftValue"
            text: panel.ttftText
            Layout.alignment: Qt.AlignRight
            Accessible.name: qsTr("Time to first token: %1").arg(panel.ttftText)
        }
        Label { text: qsTr("Memory") }
        Label {
            objectName: "bandwidthValue"
            text: panel.bandwidthText
            wrapMode: Text.Wrap
            horizontalAlignment: Text.AlignRight
            Layout.fillWidth: true
            Accessible.name: qsTr("Memory bandwidth used: %1").arg(panel.bandwidthText)
        }
        Label { text: qsTr("Machine") }
        Label {
            objectName: "machineValue"
            text: panel.machineText
            wrapMode: Text.Wrap
            horizontalAlignment: Text.AlignRight
            Layout.fillWidth: true
            Accessible.name: qsTr("Measured memory read bandwidth: %1").arg(panel.machineText)
        }
        Button {
            objectName: "remeasureButton"
            text: qsTr("Re-measure")
            flat: true
            font.pixelSize: Qt.application.font.pixelSize * 0.9
            enabled: !panel.measuring
            Layout.columnSpan: 2
            Layout.alignment: Qt.AlignRight
            Accessible.name: qsTr("Measure the memory bandwidth again")
            onClicked: panel.remeasureRequested()
        }

        Canvas {
            id: sparkline
            objectName: "sparkline"
            Layout.columnSpan: 2
            Layout.fillWidth: true
            Layout.preferredHeight: 40
            Accessible.name: qsTr("Generation speed over the answer")
            onWidthChanged: requestPaint()
            onPaint: {
                const ctx = getContext("2d")
                ctx.clearRect(0, 0, width, height)
                const values = panel.samples
                if (!values || values.length < 2)
                    return
                let top = 0
                for (let i = 0; i < values.length; ++i)
                    top = Math.max(top, values[i])
                if (top <= 0)
                    return
                ctx.strokeStyle = "#2f7de1"
                ctx.lineWidth = 1.5
                ctx.beginPath()
                for (let i = 0; i < values.length; ++i) {
                    const x = i * (width - 2) / (values.length - 1) + 1
                    const y = height - 2 - (values[i] / top) * (height - 4)
                    if (i === 0)
                        ctx.moveTo(x, y)
                    else
                        ctx.lineTo(x, y)
                }
                ctx.stroke()
            }
        }
    }
}
