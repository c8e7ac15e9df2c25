// The licences page: Hearth's own (MIT, the text of LICENSE), the libraries it is built on, and each catalog model's (name, licence, link).
// Links open in the user's browser only when clicked; nothing here is fetched.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Dialog {
    id: page
    objectName: "licencesPage"
    title: qsTr("Licences")
    modal: true
    standardButtons: Dialog.Close
    anchors.centerIn: parent
    width: Math.min(parent ? parent.width - 40 : 640, 640)
    height: parent ? parent.height - 60 : 640

    // [{name, license, url}] per catalog model (ModelsController.modelLicences).
    property var modelLicences: []

    // Hearth's own licence (LICENSE), kept word for word.
    readonly property string hearthLicenceText: "MIT License\n\n"
        + "Copyright (c) 2026 The Hearth developers\n\n"
        + "Permission is hereby granted, free of charge, to any person obtaining a copy of this software and "
        + "associated documentation files (the \"Software\"), to deal in the Software without restriction, including "
        + "without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell "
        + "copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the "
        + "following conditions:\n\n"
        + "The above copyright notice and this permission notice shall be included in all copies or substantial "
        + "portions of the Software.\n\n"
        + "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT "
        + "LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO "
        + "EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER "
        + "IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE "
        + "USE OR OTHER DEALINGS IN THE SOFTWARE."

    // The libraries the app links, with their licences (SPDX) and where each licence text is.
    readonly property var libraries: [
        { name: "Qt 6", license: "LGPL-3.0-only", url: "https://doc.qt.io/qt-6/lgpl.html" },
        { name: "QCoro", license: "MIT", url: "https://github.com/qcoro/qcoro/blob/main/LICENSES/MIT.txt" },
        { name: "spdlog", license: "MIT", url: "https://github.com/gabime/spdlog/blob/v1.x/LICENSE" },
        { name: "{fmt}", license: "MIT", url: "https://github.com/fmtlib/fmt/blob/master/LICENSE" },
        { name: "xsimd", license: "BSD-3-Clause", url: "https://github.com/xtensor-stack/xsimd/blob/master/LICENSE" },
        { name: "xtl", license: "BSD-3-Clause", url: "https://github.com/xtensor-stack/xtl/blob/master/LICENSE" },
        { name: "PCRE2", license: "BSD-3-Clause WITH PCRE2-exception",
          url: "https://github.com/PCRE2Project/pcre2/blob/master/LICENCE.md" },
        { name: "SQLite", license: qsTr("Public domain"), url: "https://www.sqlite.org/copyright.html" },
        { name: "QtKeychain", license: "BSD-3-Clause",
          url: "https://github.com/frankosterfeld/qtkeychain/blob/main/COPYING" },
        { name: "minizip", license: "Zlib", url: "https://github.com/madler/zlib/blob/develop/LICENSE" }
    ]

    component LinkLabel: Label {
        property string url
        textFormat: Text.StyledText
        wrapMode: Text.Wrap
        Layout.fillWidth: true
        onLinkActivated: (link) => Qt.openUrlExternally(link)
        HoverHandler { cursorShape: parent.hoveredLink !== "" ? Qt.PointingHandCursor : Qt.ArrowCursor }
    }

    ScrollView {
        id: scroll
        anchors.fill: parent
        contentWidth: availableWidth
        clip: true

        ColumnLayout {
            width: scroll.availableWidth
            spacing: 12

            GroupBox {
                title: qsTr("Hearth")
                Layout.fillWidth: true
                ColumnLayout {
                    anchors.fill: parent
                    Label {
                        objectName: "hearthLicence"
                        text: qsTr("Hearth is free software under the MIT licence:")
                        wrapMode: Text.Wrap
                        Layout.fillWidth: true
                    }
                    // The licence itself, as in the LICENSE file at the top of the source tree and in the package's
                    // copyright file. Legal text stays in English: a translation would not be the licence.
                    Label {
                        objectName: "hearthLicenceText"
                        text: page.hearthLicenceText
                        wrapMode: Text.Wrap
                        textFormat: Text.PlainText
                        font.pointSize: Math.max(7, Qt.application.font.pointSize - 1)
                        Layout.fillWidth: true
                    }
                }
            }

            GroupBox {
                title: qsTr("Libraries")
                Layout.fillWidth: true
                ColumnLayout {
                    anchors.fill: parent
                    Repeater {
                        model: page.libraries
                        LinkLabel {
                            required property var modelData
                            text: "%1 — <a href=\"%2\">%3</a>".arg(modelData.name).arg(modelData.url)
                                  .arg(modelData.license)
                            Accessible.name: qsTr("%1, licence %2").arg(modelData.name).arg(modelData.license)
                        }
                    }
                }
            }

            GroupBox {
                title: qsTr("Models in the catalog")
                Layout.fillWidth: true
                ColumnLayout {
                    anchors.fill: parent
                    Label {
                        text: qsTr("Each model has its own licence; read it before you use the model.")
                        wrapMode: Text.Wrap
                        opacity: 0.7
                        Layout.fillWidth: true
                    }
                    Repeater {
                        objectName: "modelLicenceRepeater"
                        model: page.modelLicences
                        LinkLabel {
                            required property var modelData
                            text: "%1 — <a href=\"%2\">%3</a>".arg(modelData.name).arg(modelData.url)
                                  .arg(modelData.license)
                            Accessible.name: qsTr("%1, licence %2").arg(modelData.name).arg(modelData.license)
                        }
                    }
                }
            }
        }
    }
}
