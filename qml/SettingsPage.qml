// The settings dialog: performance (threads, context, KV cache type), sampling, the default system prompt,
// appearance (theme, language) and the models folder. Presentational: it binds to and writes into `settings`
// (Main.qml passes the SettingsController singleton; tests pass a QtObject with the same properties), and the C++
// side validates and saves every value.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Dialogs

Dialog {
    id: page
    objectName: "settingsPage"
    title: qsTr("Settings")
    modal: true
    standardButtons: Dialog.Close
    anchors.centerIn: parent
    width: Math.min(parent ? parent.width - 40 : 560, 560)
    height: Math.min(parent ? parent.height - 40 : 720, 720)

    // SettingsController (or a stand-in with its properties, setModelsFolderFromUrl() and resetToDefaults()).
    property var settings
    // A model is loaded and idle: "Reload model to apply" can act.
    property bool canReload: true
    // The user asked to load the model again with the new threads, context or KV cache type.
    signal reloadRequested()

    readonly property var kvTypes: ["f16", "q8_0"]
    readonly property var themes: ["system", "light", "dark"]
    readonly property var languages: ["", "en", "de", "zh_CN"]

    // The prompt is saved when the field loses focus; closing the dialog with it focused saves it too.
    onClosed: {
        if (settings && promptField.text !== settings.defaultSystemPrompt)
            settings.defaultSystemPrompt = promptField.text
    }

    // A spin box for a decimal value: SpinBox counts integers, so it counts in units of 10^-decimals.
    component DecimalSpinBox: SpinBox {
        id: box
        property int decimals: 2
        property real realValue: 0
        property real realFrom: 0
        property real realTo: 1
        property real realStep: 0.05
        readonly property int factor: Math.pow(10, decimals)
        signal realValueModified(real realValue)

        editable: true
        from: Math.round(realFrom * factor)
        to: Math.round(realTo * factor)
        stepSize: Math.max(1, Math.round(realStep * factor))
        value: Math.round(realValue * factor)
        validator: DoubleValidator {
            bottom: box.realFrom
            top: box.realTo
            decimals: box.decimals
            notation: DoubleValidator.StandardNotation
            locale: box.locale.name
        }
        textFromValue: function(value, locale) {
            return Number(value / box.factor).toLocaleString(locale, "f", box.decimals)
        }
        valueFromText: function(text, locale) {
            try {
                return Math.round(Number.fromLocaleString(locale, text) * box.factor)
            } catch (e) {
                return box.value  // not a number: keep the value
            }
        }
        onValueModified: realValueModified(value / factor)
    }

    // The name of a setting, in a first column of the same width in every section.
    component FieldLabel: Label {
        Layout.preferredWidth: 170
        Layout.maximumWidth: 170
        wrapMode: Text.Wrap
    }

    // A note under a setting, across both columns: what the choice does.
    component Note: Label {
        Layout.columnSpan: 2
        Layout.fillWidth: true
        // Wrapped text's height depends on its width: tie the width to the section's, so the layout lays the row
        // out again at the right height (without it the first layout keeps a one-line height and rows overlap).
        Layout.preferredWidth: parent ? parent.width : implicitWidth
        wrapMode: Text.Wrap
        opacity: 0.7
        font.pointSize: Qt.application.font.pointSize * 0.9
    }

    ScrollView {
        id: scroll
        objectName: "settingsScroll"
        anchors.fill: parent
        contentWidth: availableWidth
        clip: true

        ColumnLayout {
            width: scroll.availableWidth
            spacing: 12
            enabled: page.settings !== undefined && page.settings !== null

            GroupBox {
                title: qsTr("Performance")
                Layout.fillWidth: true

                ColumnLayout {
                    anchors.fill: parent

                    GridLayout {
                        Layout.fillWidth: true
                        columns: 2
                        columnSpacing: 12

                        FieldLabel { text: qsTr("Threads") }
                        SpinBox {
                            objectName: "threadsSpin"
                            from: 1
                            to: page.settings ? page.settings.maxThreads : 1
                            value: page.settings ? page.settings.threads : 1
                            editable: true
                            Accessible.name: qsTr("Threads")
                            onValueModified: page.settings.threads = value
                        }
                        Note {
                            text: qsTr("Default: %1 (the physical cores). More threads than cores rarely help.")
                                  .arg(page.settings ? page.settings.defaultThreads : 1)
                        }

                        FieldLabel { text: qsTr("Context length") }
                        SpinBox {
                            objectName: "contextSpin"
                            from: page.settings ? page.settings.minContextLength : 256
                            to: page.settings ? page.settings.maxContextLength : 131072
                            stepSize: 1024
                            value: page.settings ? page.settings.contextLength : 4096
                            editable: true
                            Accessible.name: qsTr("Context length in tokens")
                            onValueModified: page.settings.contextLength = value
                        }
                        Note {
                            text: qsTr("Tokens the model can see at once; capped at the model's training length. " +
                                       "The KV cache for all of them is allocated when the model loads.")
                        }

                        FieldLabel { text: qsTr("KV cache type") }
                        // Fills the second column, so the notes span the whole section as in the others.
                        RowLayout {
                            Layout.fillWidth: true
                            ComboBox {
                                objectName: "kvTypeCombo"
                                model: ["F16", "Q8_0"]
                                currentIndex: page.settings ? Math.max(0, page.kvTypes.indexOf(page.settings.kvType)) : 0
                                Accessible.name: qsTr("KV cache type")
                                onActivated: (index) => page.settings.kvType = page.kvTypes[index]
                            }
                            Item { Layout.fillWidth: true }
                        }
                        Note { text: qsTr("Q8_0 halves the KV cache memory, at a very small cost in quality.") }
                    }

                    RowLayout {
                        objectName: "reloadRow"
                        visible: page.settings ? page.settings.needsReload : false
                        Layout.fillWidth: true
                        Label {
                            text: qsTr("The loaded model still uses the previous threads, context or KV cache type.")
                            wrapMode: Text.Wrap
                            Layout.fillWidth: true
                        }
                        Button {
                            objectName: "reloadButton"
                            text: qsTr("Reload model to apply")
                            enabled: page.canReload
                            highlighted: true
                            Accessible.name: text
                            onClicked: page.reloadRequested()
                        }
                    }
                }
            }

            GroupBox {
                title: qsTr("Sampling")
                Layout.fillWidth: true

                GridLayout {
                    anchors.fill: parent
                    columns: 2
                    columnSpacing: 12

                    FieldLabel { text: qsTr("Temperature") }
                    DecimalSpinBox {
                        objectName: "temperatureSpin"
                        realFrom: 0
                        realTo: 2
                        realStep: 0.05
                        realValue: page.settings ? page.settings.temperature : 0
                        Accessible.name: qsTr("Temperature")
                        onRealValueModified: (v) => page.settings.temperature = v
                    }
                    Note { text: qsTr("0 always picks the most likely token; higher is more varied.") }

                    FieldLabel { text: qsTr("Top-k") }
                    SpinBox {
                        objectName: "topKSpin"
                        from: 0
                        to: 1000
                        value: page.settings ? page.settings.topK : 0
                        editable: true
                        Accessible.name: qsTr("Top-k")
                        onValueModified: page.settings.topK = value
                    }

                    FieldLabel { text: qsTr("Top-p") }
                    DecimalSpinBox {
                        objectName: "topPSpin"
                        realFrom: 0
                        realTo: 1
                        realStep: 0.01
                        realValue: page.settings ? page.settings.topP : 0
                        Accessible.name: qsTr("Top-p")
                        onRealValueModified: (v) => page.settings.topP = v
                    }

                    FieldLabel { text: qsTr("Min-p") }
                    DecimalSpinBox {
                        objectName: "minPSpin"
                        realFrom: 0
                        realTo: 1
                        realStep: 0.01
                        realValue: page.settings ? page.settings.minP : 0
                        Accessible.name: qsTr("Min-p")
                        onRealValueModified: (v) => page.settings.minP = v
                    }

                    FieldLabel { text: qsTr("Repeat penalty") }
                    DecimalSpinBox {
                        objectName: "repeatPenaltySpin"
                        realFrom: 1
                        realTo: 2
                        realStep: 0.05
                        realValue: page.settings ? page.settings.repeatPenalty : 1
                        Accessible.name: qsTr("Repeat penalty")
                        onRealValueModified: (v) => page.settings.repeatPenalty = v
                    }
                    Note { text: qsTr("Top-k 0, top-p 1, min-p 0 and repeat penalty 1 turn that filter off.") }

                    FieldLabel { text: qsTr("Seed") }
                    TextField {
                        objectName: "seedField"
                        text: page.settings ? String(page.settings.seed) : "0"
                        validator: RegularExpressionValidator { regularExpression: /[0-9]{1,15}/ }
                        inputMethodHints: Qt.ImhDigitsOnly
                        Layout.fillWidth: true
                        Accessible.name: qsTr("Seed")
                        onEditingFinished: page.settings.seed = Number(text)
                    }
                    Note { text: qsTr("0: a new random seed for every answer; any other number repeats the same answer.") }

                    FieldLabel { text: qsTr("Maximum answer length") }
                    RowLayout {
                        SpinBox {
                            id: maxTokensSpin
                            objectName: "maxTokensSpin"
                            from: 1
                            to: page.settings ? page.settings.maxContextLength : 131072
                            stepSize: 128
                            // While "No limit" is on, the box keeps the last limit to come back to.
                            property int lastLimit: 1024
                            value: page.settings && page.settings.maxTokens > 0 ? page.settings.maxTokens : lastLimit
                            enabled: !noLimitCheck.checked
                            editable: true
                            Accessible.name: qsTr("Maximum answer length in tokens")
                            onValueModified: {
                                lastLimit = value
                                page.settings.maxTokens = value
                            }
                        }
                        CheckBox {
                            id: noLimitCheck
                            objectName: "noLimitCheck"
                            text: qsTr("No limit")
                            checked: page.settings ? page.settings.maxTokens < 0 : false
                            Accessible.name: qsTr("No limit on the answer length")
                            onToggled: page.settings.maxTokens = checked ? -1 : maxTokensSpin.value
                        }
                    }
                }
            }

            GroupBox {
                title: qsTr("New chats")
                Layout.fillWidth: true

                ColumnLayout {
                    anchors.fill: parent
                    Label { text: qsTr("Default system prompt") }
                    TextArea {
                        id: promptField
                        objectName: "defaultPromptField"
                        text: page.settings ? page.settings.defaultSystemPrompt : ""
                        placeholderText: qsTr("Instructions every new chat starts with (each chat can change its own)")
                        wrapMode: TextEdit.Wrap
                        Layout.fillWidth: true
                        Layout.preferredHeight: Math.max(implicitHeight, 72)
                        Accessible.name: qsTr("Default system prompt")
                        background: Rectangle {
                            color: promptField.palette.base
                            border.color: promptField.activeFocus ? promptField.palette.highlight : promptField.palette.mid
                            radius: 2
                        }
                        onEditingFinished: {
                            if (text !== page.settings.defaultSystemPrompt)
                                page.settings.defaultSystemPrompt = text
                        }
                    }
                }
            }

            GroupBox {
                title: qsTr("Appearance")
                Layout.fillWidth: true

                GridLayout {
                    anchors.fill: parent
                    columns: 2
                    columnSpacing: 12

                    FieldLabel { text: qsTr("Theme") }
                    // Fills the second column (as in the other sections); the combo box keeps its size.
                    RowLayout {
                        Layout.fillWidth: true
                        ComboBox {
                            objectName: "themeCombo"
                            model: [qsTr("System"), qsTr("Light"), qsTr("Dark")]
                            currentIndex: page.settings ? Math.max(0, page.themes.indexOf(page.settings.theme)) : 0
                            Accessible.name: qsTr("Theme")
                            onActivated: (index) => page.settings.theme = page.themes[index]
                        }
                        Item { Layout.fillWidth: true }
                    }

                    FieldLabel { text: qsTr("Language") }
                    ComboBox {
                        objectName: "languageCombo"
                        // Each language in its own name, so a user who cannot read the current one finds theirs.
                        model: [qsTr("System"), "English", "Deutsch", "中文"]
                        currentIndex: page.settings ? Math.max(0, page.languages.indexOf(page.settings.language)) : 0
                        Accessible.name: qsTr("Language")
                        onActivated: (index) => page.settings.language = page.languages[index]
                    }
                }
            }

            GroupBox {
                title: qsTr("Models")
                Layout.fillWidth: true

                RowLayout {
                    anchors.fill: parent
                    TextField {
                        objectName: "modelsFolderField"
                        text: page.settings ? page.settings.modelsFolder : ""
                        readOnly: true
                        Layout.fillWidth: true
                        Accessible.name: qsTr("Models folder")
                    }
                    Button {
                        objectName: "chooseFolderButton"
                        text: qsTr("Choose…")
                        Accessible.name: qsTr("Choose the models folder")
                        onClicked: folderDialog.open()
                    }
                }
            }

            Label {
                objectName: "settingsError"
                visible: text !== ""
                text: page.settings ? page.settings.lastError : ""
                color: "#d93025"
                wrapMode: Text.Wrap
                Layout.fillWidth: true
                Accessible.name: qsTr("Settings error")
            }

            Button {
                objectName: "resetButton"
                text: qsTr("Reset to defaults")
                Accessible.name: qsTr("Reset all settings to their defaults")
                onClicked: page.settings.resetToDefaults()
            }
        }
    }

    FolderDialog {
        id: folderDialog
        title: qsTr("Models folder")
        currentFolder: page.settings ? page.settings.modelsFolderUrl : ""
        onAccepted: page.settings.setModelsFolderFromUrl(selectedFolder)
    }
}
