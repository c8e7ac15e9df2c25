// The licences page: Hearth's own, the libraries it is built on, and each catalog model's (name, licence, link).
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
        { name: "SQLite", license: qsTr("Public domain"), url: "https://www.sqlite.org/copyright.html" }
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
                Label {
                    objectName: "hearthLicence"
                    anchors.fill: parent
                    // The repository has no licence file; the page says so rather than name one.
                    text: qsTr("The Hearth source code does not include a licence file, so no licence for Hearth itself is stated here.")
                    wrapMode: Text.Wrap
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
