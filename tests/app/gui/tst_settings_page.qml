// The settings dialog against a stand-in for SettingsController: it shows the values, writes what the user changes
// back, offers "Reload model to apply" only when needed, resets, and names every control for screen readers.
import QtQuick
import QtQuick.Controls
import QtTest
import "../../../qml"

Item {
    id: root
    width: 800
    height: 900

    // The properties and invokables of SettingsController that the page uses.
    QtObject {
        id: fake
        property int threads: 2
        property int defaultThreads: 2
        property int maxThreads: 8
        property int contextLength: 4096
        property int minContextLength: 256
        property int maxContextLength: 131072
        property string kvType: "f16"
        property bool needsReload: false
        property real temperature: 0.8
        property int topK: 40
        property real topP: 0.95
        property real minP: 0.05
        property real repeatPenalty: 1.0
        property double seed: 0
        property int maxTokens: 1024
        property string defaultSystemPrompt: ""
        property string theme: "system"
        property string language: ""
        property string modelsFolder: "/home/user/models"
        property url modelsFolderUrl: "file:///home/user/models"
        property string lastError: ""
        property int resets: 0
        property var lastFolderUrl
        function setModelsFolderFromUrl(url) { lastFolderUrl = url }
        function resetToDefaults() { resets += 1 }
    }

    SettingsPage {
        id: page
        settings: fake
        locale: Qt.locale("C")
    }

    SignalSpy {
        id: reloadSpy
        target: page
        signalName: "reloadRequested"
    }

    TestCase {
        name: "SettingsPage"
        when: windowShown

        function find(item, name) {
            if (!item)
                return null
            if (item.objectName === name)
                return item
            const kids = item.children || []
            for (let i = 0; i < kids.length; ++i) {
                const found = find(kids[i], name)
                if (found)
                    return found
            }
            // A ScrollView's content lives in its Flickable's contentItem.
            if (item.contentItem && item.contentItem !== item)
                return find(item.contentItem, name)
            return null
        }
        function control(name) {
            const c = find(page.contentItem, name)
            verify(c !== null, "no control " + name)
            return c
        }

        // Keyboard, as a user without a mouse would (and independent of where the scroll view is).
        function press(item) {
            item.forceActiveFocus()
            keyClick(Qt.Key_Space)
        }

        function init() {
            fake.threads = 2
            fake.contextLength = 4096
            fake.kvType = "f16"
            fake.needsReload = false
            fake.temperature = 0.8
            fake.topK = 40
            fake.topP = 0.95
            fake.seed = 0
            fake.maxTokens = 1024
            fake.defaultSystemPrompt = ""
            fake.theme = "system"
            fake.language = ""
            fake.lastError = ""
            page.canReload = true
            page.open()
            tryCompare(page, "opened", true)
        }
        function cleanup() {
            page.close()
            tryCompare(page, "visible", false)
        }

        function test_showsTheSettings() {
            compare(control("threadsSpin").value, 2)
            compare(control("contextSpin").value, 4096)
            compare(control("kvTypeCombo").currentText, "F16")
            compare(control("temperatureSpin").displayText, "0.80")
            compare(control("topKSpin").value, 40)
            compare(control("topPSpin").displayText, "0.95")
            compare(control("seedField").text, "0")
            compare(control("maxTokensSpin").value, 1024)
            verify(!control("noLimitCheck").checked)
            compare(control("modelsFolderField").text, "/home/user/models")
            // Values the controller changes (a reset, another window) show at once.
            fake.temperature = 1.25
            compare(control("temperatureSpin").displayText, "1.25")
            fake.kvType = "q8_0"
            compare(control("kvTypeCombo").currentText, "Q8_0")
            fake.maxTokens = -1
            verify(control("noLimitCheck").checked)
            fake.theme = "dark"
            compare(control("themeCombo").currentIndex, 2)
        }

        function test_editsWriteBack() {
            const threads = control("threadsSpin")
            threads.forceActiveFocus()
            keyClick(Qt.Key_Up)
            compare(fake.threads, 3)

            const temperature = control("temperatureSpin")
            temperature.forceActiveFocus()
            keyClick(Qt.Key_Down)
            compare(fake.temperature, 0.75)

            const kv = control("kvTypeCombo")
            kv.forceActiveFocus()
            keyClick(Qt.Key_Down)
            compare(fake.kvType, "q8_0")

            const theme = control("themeCombo")
            theme.forceActiveFocus()
            keyClick(Qt.Key_Down)
            keyClick(Qt.Key_Down)
            compare(fake.theme, "dark")

            const language = control("languageCombo")
            language.forceActiveFocus()
            keyClick(Qt.Key_End)
            compare(fake.language, "zh_CN")

            const seed = control("seedField")
            seed.forceActiveFocus()
            seed.selectAll()
            keyClick(Qt.Key_4)
            keyClick(Qt.Key_2)
            keyClick(Qt.Key_Tab)
            compare(fake.seed, 42)

            // "No limit" and back to the limit the box still shows.
            const noLimit = control("noLimitCheck")
            press(noLimit)
            compare(fake.maxTokens, -1)
            verify(!control("maxTokensSpin").enabled)
            press(noLimit)
            compare(fake.maxTokens, 1024)

            const prompt = control("defaultPromptField")
            prompt.forceActiveFocus()
            keyClick(Qt.Key_H)
            keyClick(Qt.Key_I)
            compare(fake.defaultSystemPrompt, "")  // saved when the field is left, not per key
            page.close()
            tryCompare(page, "visible", false)
            compare(fake.defaultSystemPrompt, "hi")
        }

        function test_reloadOnlyWhenNeeded() {
            verify(!control("reloadRow").visible)
            fake.needsReload = true
            verify(control("reloadRow").visible)
            reloadSpy.clear()
            press(control("reloadButton"))
            compare(reloadSpy.count, 1)
            page.canReload = false
            verify(!control("reloadButton").enabled)
            page.canReload = true
            fake.needsReload = false
            verify(!control("reloadRow").visible)
        }

        function test_resetAndError() {
            const before = fake.resets
            press(control("resetButton"))
            compare(fake.resets, before + 1)
            verify(!control("settingsError").visible)
            fake.lastError = "Could not save the setting theme: disk full"
            verify(control("settingsError").visible)
            compare(control("settingsError").text, "Could not save the setting theme: disk full")
        }

        // Every control a user can operate has a name a screen reader reads. (The controls' own parts are
        // QQuick* objects and do not match.)
        function test_accessibleNames() {
            const controlType = /^(SpinBox|DecimalSpinBox|ComboBox|Button|CheckBox|TextField|TextArea)(_QML\w*)?\(/
            let checked = 0
            const unnamed = []
            function walk(item) {
                if (!item)
                    return
                if (controlType.test(item.toString())) {
                    ++checked
                    if (!item.Accessible.name)
                        unnamed.push(item.objectName || item.toString())
                }
                const kids = item.children || []
                for (let i = 0; i < kids.length; ++i)
                    walk(kids[i])
            }
            walk(page.contentItem)
            compare(checked, 18)
            compare(unnamed, [])
        }
    }
}
