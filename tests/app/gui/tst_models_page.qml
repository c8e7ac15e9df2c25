// The models page against a stand-in for ModelsController: catalog rows show the fit verdict with its numbers and
// the right action for their state (download, pause / cancel, resume, load), unsupported rows are greyed with the
// reason and offer no download, the filters write back, a local model is deleted only after confirmation, a file
// is added by its address (and removed again: at once, or after a question when downloaded bytes would go), an
// unverified row is checked against its header, the token's storage is stated, and every control has a name for
// screen readers.
import QtQuick
import QtQuick.Controls
import QtTest
import "../../../qml"

Item {
    id: root
    width: 1000
    height: 900

    QtObject {
        id: fake
        // The catalog model with the filter properties of CatalogFilterModel.
        property ListModel catalog: ListModel {
            property string filterText: ""
            property bool fitsOnly: false
            property bool hideUnsupported: false
        }
        property ListModel localModels: ListModel {}
        property string memoryText: "7.8 GB of 15.6 GB memory available"
        property string modelsFolder: "/home/user/models"
        property string hubBaseUrl: "https://huggingface.co"
        property string defaultHubBaseUrl: "https://huggingface.co"
        property bool hubTokenSet: false
        property string hubTokenStorage: ""
        property bool hubTokenBusy: false
        property bool urlBusy: false
        property string urlError: ""
        property string urlKey: ""
        signal urlChanged()
        property bool importing: false
        property string lastError: ""
        property string lastNotice: ""
        property var calls: []
        function record(what) { calls = calls.concat([what]) }
        function download(key) { record("download " + key) }
        function pause(key) { record("pause " + key) }
        function resume(key) { record("resume " + key) }
        function cancel(key) { record("cancel " + key) }
        function loadCatalogFile(key) { record("loadCatalogFile " + key) }
        function loadFile(path) { record("load " + path) }
        function deleteFile(path) { record("delete " + path); return true }
        function importFile(url, move) { record("import " + url + " " + move) }
        function setHubToken(token) { record("token " + token); hubTokenSet = token !== "" }
        function refresh() { record("refresh") }
        function addFromUrl(url) { record("addFromUrl " + url); urlBusy = true; urlChanged() }
        function checkFile(key) { record("checkFile " + key) }
        function removeAddedFile(key) { record("removeAddedFile " + key); return true }
        function clearMessages() {}
    }

    function catalogRow(key, name, quant, extra) {
        const row = {
            key: key, name: name, quantization: quant, isDefault: quant === "Q4_K_M", sizeText: "469 MB",
            license: "Apache-2.0", supported: true, reason: "", fit: "fits",
            fitText: "Needs 1.1 GB of 7.8 GB available · up to 32,768 tokens of context",
            speedText: "~45 tokens/s", kernelText: "Fast AVX2 kernels for Q4_K", downloadState: "",
            downloadProgress: 0, downloadText: "", installed: false, localPath: "", verified: true,
            headerState: "", headerError: "", typeMix: "", addedFromUrl: false, repo: "Qwen/Qwen2.5-0.5B-Instruct-GGUF",
            parametersText: "494M"
        }
        for (const k in extra)
            row[k] = extra[k]
        return row
    }

    ModelsPage {
        id: page
        models: fake
    }

    SignalSpy {
        id: licencesSpy
        target: page
        signalName: "licencesRequested"
    }

    TestCase {
        name: "ModelsPage"
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
            if (item.contentItem && item.contentItem !== item)
                return find(item.contentItem, name)
            return null
        }
        function control(name, under) {
            const c = find(under || page.contentItem, name)
            verify(c !== null, "no control " + name)
            return c
        }
        function press(item) {
            item.forceActiveFocus()
            keyClick(Qt.Key_Space)
        }

        function init() {
            // set() rather than clear() + append(): the delegates stay, so a test never finds one being destroyed.
            fake.catalog.set(0, catalogRow("qwen/Q4_K_M", "Qwen2.5 0.5B Instruct", "Q4_K_M", {}))
            fake.catalog.set(1, catalogRow("qwen3/Q8_0", "Qwen3 0.6B", "Q8_0",
                                           { supported: false, reason: "architecture qwen3 is not supported yet",
                                             fit: "", fitText: "", speedText: "" }))
            fake.catalog.set(2, catalogRow("llama/Q4_0", "Llama 3.2 1B Instruct", "Q4_0",
                                           { fit: "no", fitText: "Needs 9.9 GB of 7.8 GB available · the weights alone do not fit" }))
            fake.localModels.set(0, { path: "/home/user/models/tiny.gguf", fileName: "tiny.gguf", name: "Tiny",
                                      sizeText: "1.2 MB", architecture: "llama", typeMix: "Q8_0 ×14, F32 ×5",
                                      fit: "fits", fitText: "Needs 70 MB of 7.8 GB available", speedText: "~900 tokens/s",
                                      error: "" })
            fake.calls = []
            fake.lastError = ""
            fake.urlBusy = false
            fake.urlError = ""
            fake.urlKey = ""
            fake.hubTokenStorage = ""
            fake.catalog.fitsOnly = false
            fake.catalog.filterText = ""
            page.currentTab = 0
            page.open()
            tryCompare(page, "opened", true)
            tryVerify(function() { return find(page.contentItem, "catalogRow_llama/Q4_0") !== null })
        }
        function cleanup() {
            page.close()
            tryCompare(page, "visible", false)
        }

        function test_catalogRowShowsNumbersAndDownloads() {
            verify(fake.calls.indexOf("refresh") >= 0, "opening the page refreshes the figures")
            compare(control("memoryLabel").text, "7.8 GB of 15.6 GB memory available")
            const row = control("catalogRow_qwen/Q4_K_M")
            compare(control("verdict", row).text, "Fits")
            compare(control("fitText", row).text, "Needs 1.1 GB of 7.8 GB available · up to 32,768 tokens of context")
            compare(control("speedText", row).text, "~45 tokens/s")
            compare(control("quantization", row).text, "Q4_K_M (recommended)")
            verify(!control("downloadProgress", row).visible)
            verify(control("downloadButton", row).visible)
            press(control("downloadButton", row))
            compare(fake.calls[fake.calls.length - 1], "download qwen/Q4_K_M")

            const big = control("catalogRow_llama/Q4_0")
            compare(control("verdict", big).text, "Won't fit")
        }

        function test_unsupportedGreyedWithReason() {
            const row = control("catalogRow_qwen3/Q8_0")
            verify(row.opacity < 1)
            verify(control("reason", row).visible)
            verify(control("reason", row).text.indexOf("architecture qwen3 is not supported yet") >= 0)
            verify(!control("downloadButton", row).visible)
            verify(!control("verdict", row).visible)
        }

        function test_downloadStates() {
            fake.catalog.setProperty(0, "downloadState", "downloading")
            fake.catalog.setProperty(0, "downloadProgress", 0.25)
            fake.catalog.setProperty(0, "downloadText", "120 MB of 469 MB · 3.2 MB/s · 2 min left")
            const row = control("catalogRow_qwen/Q4_K_M")
            verify(control("downloadProgress", row).visible)
            compare(control("downloadProgress", row).value, 0.25)
            compare(control("downloadText", row).text, "120 MB of 469 MB · 3.2 MB/s · 2 min left")
            verify(!control("downloadButton", row).visible)
            press(control("pauseButton", row))
            compare(fake.calls[fake.calls.length - 1], "pause qwen/Q4_K_M")

            fake.catalog.setProperty(0, "downloadState", "paused")
            verify(!control("pauseButton", row).visible)
            press(control("resumeButton", row))
            compare(fake.calls[fake.calls.length - 1], "resume qwen/Q4_K_M")
            press(control("cancelButton", row))
            compare(fake.calls[fake.calls.length - 1], "cancel qwen/Q4_K_M")

            // A failed download shows why and offers a retry (which resumes what was kept).
            fake.catalog.setProperty(0, "downloadState", "failed")
            fake.catalog.setProperty(0, "downloadText", "The server answered HTTP 404 Not Found")
            verify(control("downloadText", row).visible)
            compare(control("downloadButton", row).text, "Retry")
            press(control("downloadButton", row))
            compare(fake.calls[fake.calls.length - 1], "resume qwen/Q4_K_M")
        }

        function test_installedLoads() {
            fake.catalog.setProperty(0, "downloadState", "done")
            fake.catalog.setProperty(0, "installed", true)
            fake.catalog.setProperty(0, "localPath", "/home/user/models/qwen.gguf")
            const row = control("catalogRow_qwen/Q4_K_M")
            verify(!control("downloadButton", row).visible)
            press(control("loadButton", row))
            compare(fake.calls[fake.calls.length - 1], "load /home/user/models/qwen.gguf")
            tryCompare(page, "visible", false)  // the chat shows the model loading
        }

        function test_filtersWriteBack() {
            const filter = control("catalogFilter")
            filter.forceActiveFocus()
            keyClick(Qt.Key_Q)
            compare(fake.catalog.filterText, "q")
            press(control("fitsOnlyCheck"))
            compare(fake.catalog.fitsOnly, true)
            press(control("hideUnsupportedCheck"))
            compare(fake.catalog.hideUnsupported, true)
            press(control("hideUnsupportedCheck"))
            compare(fake.catalog.hideUnsupported, false)
        }

        function test_localDeleteAsksFirst() {
            page.currentTab = 1
            const row = control("localRow_tiny.gguf")
            compare(control("typeMix", row).text, "Tensor types: Q8_0 ×14, F32 ×5")
            verify(!control("localError", row).visible)
            press(control("deleteButton", row))
            const dialog = page.deleteConfirmation
            tryCompare(dialog, "opened", true)
            compare(fake.calls.filter(c => c.startsWith("delete")).length, 0)
            dialog.reject()
            tryCompare(dialog, "visible", false)
            compare(fake.calls.filter(c => c.startsWith("delete")).length, 0)
            press(control("deleteButton", row))
            tryCompare(dialog, "opened", true)
            dialog.accept()
            compare(fake.calls[fake.calls.length - 1], "delete /home/user/models/tiny.gguf")

            // A file the reader refuses cannot be loaded and says why.
            fake.localModels.setProperty(0, "error", "not a GGUF file")
            verify(control("localError", row).visible)
            verify(!control("localLoadButton", row).enabled)
        }

        function test_tokenAndLicences() {
            const token = control("tokenField")
            token.forceActiveFocus()
            keyClick(Qt.Key_A)
            press(control("tokenButton"))
            compare(fake.calls[fake.calls.length - 1], "token a")
            compare(token.text, "")
            verify(fake.hubTokenSet)
            licencesSpy.clear()
            press(control("licencesButton"))
            compare(licencesSpy.count, 1)
        }

        function test_addFromUrl() {
            const field = control("urlField")
            verify(!control("addUrlButton").enabled)
            field.forceActiveFocus()
            field.text = "https://huggingface.co/x/y-GGUF/resolve/main/y.Q4_K_M.gguf"
            verify(control("addUrlButton").enabled)
            press(control("addUrlButton"))
            compare(fake.calls[fake.calls.length - 1], "addFromUrl https://huggingface.co/x/y-GGUF/resolve/main/y.Q4_K_M.gguf")
            // While the header is read, nothing else can be started from the field.
            verify(!field.enabled)
            verify(!control("addUrlButton").enabled)
            // Failed: the reason shows and the address stays for another try.
            fake.urlError = "The server answered HTTP 404 Not Found for https://huggingface.co/x"
            fake.urlBusy = false
            fake.urlChanged()
            verify(control("urlError").visible)
            compare(field.text, "https://huggingface.co/x/y-GGUF/resolve/main/y.Q4_K_M.gguf")
            // Added: listed first with where it came from and its type mix; the field is cleared.
            fake.catalog.insert(0, catalogRow("url:host/y.gguf/Q4_K", "Y", "Q4_K",
                                              { addedFromUrl: true, typeMix: "Q4_K ×120, F32 ×49", verified: false,
                                                repo: "x/y-GGUF", headerState: "read" }))
            fake.urlError = ""
            fake.urlKey = "url:host/y.gguf/Q4_K"
            fake.urlChanged()
            compare(field.text, "")
            verify(!control("urlError").visible)
            tryVerify(function() { return find(page.contentItem, "catalogRow_url:host/y.gguf/Q4_K") !== null })
            const row = control("catalogRow_url:host/y.gguf/Q4_K")
            verify(control("urlBadge", row).visible)
            verify(control("urlBadge", row).text.indexOf("x/y-GGUF") >= 0)
            compare(control("catalogTypeMix", row).text, "Tensor types: Q4_K ×120, F32 ×49")
            verify(!control("checkFileButton", row).visible)  // its header is what it was added from

            // Removed at once when nothing downloaded would be lost...
            const remove = control("removeAddedButton", row)
            verify(remove.visible)
            verify(!control("removeAddedButton", control("catalogRow_qwen/Q4_K_M")).visible)  // not catalog rows
            press(remove)
            compare(fake.calls[fake.calls.length - 1], "removeAddedFile url:host/y.gguf/Q4_K")
            // ...not while it downloads...
            fake.catalog.setProperty(0, "downloadState", "downloading")
            verify(!remove.visible)
            // ...and after a question when its part file would be deleted.
            fake.catalog.setProperty(0, "downloadState", "partial")
            verify(remove.visible)
            fake.calls = []
            press(remove)
            const dialog = page.removeConfirmation
            tryCompare(dialog, "opened", true)
            compare(fake.calls.length, 0)
            dialog.reject()
            tryCompare(dialog, "visible", false)
            compare(fake.calls.length, 0)
            press(remove)
            tryCompare(dialog, "opened", true)
            dialog.accept()
            compare(fake.calls[fake.calls.length - 1], "removeAddedFile url:host/y.gguf/Q4_K")
            tryCompare(dialog, "visible", false)
            fake.catalog.remove(0)
        }

        function test_unverifiedRowChecked() {
            fake.catalog.setProperty(0, "verified", false)
            const row = control("catalogRow_qwen/Q4_K_M")
            verify(control("checkFileButton", row).visible)
            press(control("checkFileButton", row))
            compare(fake.calls[fake.calls.length - 1], "checkFile qwen/Q4_K_M")
            fake.catalog.setProperty(0, "headerState", "reading")
            verify(!control("checkFileButton", row).enabled)
            fake.catalog.setProperty(0, "headerState", "failed")
            fake.catalog.setProperty(0, "headerError", "The server answered HTTP 403")
            verify(control("unverifiedNote", row).text.indexOf("HTTP 403") >= 0)
            verify(control("checkFileButton", row).enabled)
            fake.catalog.setProperty(0, "headerState", "read")
            fake.catalog.setProperty(0, "typeMix", "Q4_K ×120, Q6_K ×25")
            verify(!control("checkFileButton", row).visible)
            compare(control("catalogTypeMix", row).text, "Tensor types: Q4_K ×120, Q6_K ×25")
            // A verified row offers no check.
            verify(!control("checkFileButton", control("catalogRow_llama/Q4_0")).visible)
        }

        function test_tokenStorageStated() {
            verify(!control("tokenStorage").visible)
            fake.hubTokenStorage = "No system keyring is available: saved in /home/user/.config/Hearth/Hearth/hub-token, readable only by you."
            verify(control("tokenStorage").visible)
            verify(control("tokenStorage").text.indexOf("hub-token") >= 0)
        }

        function test_errorShown() {
            verify(!control("modelsError").visible)
            fake.lastError = "Not imported: notes.gguf is not a usable GGUF model"
            verify(control("modelsError").visible)
        }

        function test_accessibleNames() {
            const controlType = /^(Button|CheckBox|TextField|TabButton|ProgressBar)(_QML\w*)?\(/
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
            verify(checked >= 20, "found " + checked + " controls")
            compare(unnamed, [])
        }
    }
}
