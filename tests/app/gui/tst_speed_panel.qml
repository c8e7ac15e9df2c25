// The speed panel and context meter format what the controller reports (C locale: no group separators).
import QtQuick
import QtTest
import "../../../qml"

Item {
    width: 400
    height: 600

    SpeedPanel {
        id: panel
        width: 260
        numberLocale: Qt.locale("C")
    }

    ContextMeter {
        id: meter
        y: 300
        width: 260
        numberLocale: Qt.locale("C")
    }

    TestCase {
        name: "SpeedPanel"
        when: windowShown

        function findLabel(root, name) {
            if (root.objectName === name)
                return root
            for (let i = 0; i < root.children.length; ++i) {
                const found = findLabel(root.children[i], name)
                if (found)
                    return found
            }
            return null
        }

        function test_emptyShowsDashes() {
            panel.promptTokensPerSecond = 0
            panel.generateTokensPerSecond = 0
            panel.timeToFirstTokenMs = 0
            panel.effectiveGBps = 0
            compare(panel.promptText, "—")
            compare(panel.ttftText, "—")
            compare(panel.bandwidthText, "—")
        }

        function test_formatsFigures() {
            panel.promptTokensPerSecond = 1234.56
            panel.generateTokensPerSecond = 42.04
            panel.timeToFirstTokenMs = 87.4
            panel.effectiveGBps = 12.345
            panel.memoryGBps = 20
            panel.bandwidthFraction = 0.617
            compare(panel.promptText, "1234.6")
            compare(panel.generateText, "42.0")
            compare(panel.ttftText, "87 ms")
            panel.timeToFirstTokenMs = 0.44
            compare(panel.ttftText, "0.4 ms")  // a tiny model: not "0 ms"
            panel.timeToFirstTokenMs = 87.4
            compare(panel.bandwidthText, "12.3 GB/s (62 % of 20.0)")
            compare(findLabel(panel, "generateValue").text, "42.0 tok/s")
        }

        function test_bandwidthWithoutMeasurement() {
            panel.effectiveGBps = 3.21
            panel.memoryGBps = 0
            compare(panel.bandwidthText, "3.2 GB/s")
        }

        function test_machineBandwidth() {
            panel.memoryGBps = 0
            panel.measuring = true
            compare(panel.machineText, "measuring…")
            compare(findLabel(panel, "machineValue").text, "measuring…")
            verify(!findLabel(panel, "remeasureButton").enabled)  // no second measurement while one runs
            panel.measuring = false
            compare(panel.machineText, "—")
            panel.memoryGBps = 14.26
            panel.measuredAt = "12/7/26 9:20 AM"
            compare(panel.machineText, "14.3 GB/s, measured 12/7/26 9:20 AM")
            panel.measuredAt = ""
            compare(panel.machineText, "14.3 GB/s")
        }

        SignalSpy {
            id: remeasureSpy
            target: panel
            signalName: "remeasureRequested"
        }

        function test_remeasureButton() {
            panel.measuring = false
            const button = findLabel(panel, "remeasureButton")
            verify(button.enabled)
            remeasureSpy.clear()
            mouseClick(button)
            compare(remeasureSpy.count, 1)
            panel.measuring = true
            mouseClick(button)
            compare(remeasureSpy.count, 1)  // disabled while measuring
            panel.measuring = false
        }

        function test_sparklineTakesSamples() {
            panel.samples = [10, 20, 15, 30]
            compare(panel.samples.length, 4)
            verify(findLabel(panel, "sparkline") !== null)
        }
    }

    TestCase {
        name: "ContextMeter"
        when: windowShown

        function test_figuresAndColours() {
            meter.used = 300
            meter.length = 512
            meter.tokensLeft = 212
            meter.kvBytesUsed = 3 * 1024 * 1024
            meter.kvBytesAllocated = 2.5 * 1024 * 1024 * 1024
            meter.warning = false
            meter.full = false
            compare(meter.tokensText, "300 / 512 tokens")
            compare(meter.leftText, "212 tokens left")
            compare(meter.kvText, "KV cache 3.0 MiB / 2.50 GiB")
            verify(Qt.colorEqual(meter.barColor, "#2f9e44"))
            meter.warning = true
            verify(Qt.colorEqual(meter.barColor, "#f0a30a"))
            meter.full = true
            verify(Qt.colorEqual(meter.barColor, "#d93025"))
        }
    }
}
