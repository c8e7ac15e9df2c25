// The licences page: Hearth's own licence (MIT, the LICENSE file's text word for word), every linked library with its licence, and each catalog model's licence with a link to its text.
import QtQuick
import QtQuick.Controls
import QtTest
import "../../../qml"

Item {
    id: root
    width: 800
    height: 900

    LicencesPage {
        id: page
        modelLicences: [
            { name: "Qwen2.5 0.5B Instruct", license: "Apache-2.0",
              url: "https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct/blob/main/LICENSE" },
            { name: "Llama 3.2 1B Instruct", license: "LicenseRef-Llama-3.2-Community",
              url: "https://huggingface.co/meta-llama/Llama-3.2-1B/blob/main/LICENSE.txt" }
        ]
    }

    TestCase {
        name: "LicencesPage"
        when: windowShown

        function texts(item, out) {
            if (!item)
                return out
            if (item.text !== undefined && typeof item.text === "string" && item.visible)
                out.push(item.text)
            const kids = item.children || []
            for (let i = 0; i < kids.length; ++i)
                texts(kids[i], out)
            return out
        }

        function test_listsEverything() {
            page.open()
            tryCompare(page, "opened", true)
            const all = texts(page.contentItem, []).join("\n")
            verify(all.indexOf("MIT licence") >= 0, "Hearth's own licence named")
            // The LICENSE file, whitespace aside (the page wraps lines itself).
            const flat = all.replace(/\s+/g, " ")
            verify(flat.indexOf("MIT License Copyright (c) 2026 The Hearth developers Permission is hereby granted") >= 0,
                   "the licence text with its copyright line")
            verify(flat.indexOf("THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND") >= 0,
                   "the disclaimer")
            for (const lib of ["Qt 6", "QCoro", "spdlog", "{fmt}", "xsimd", "PCRE2", "SQLite", "QtKeychain", "minizip"])
                verify(all.indexOf(lib + " — ") >= 0, "library " + lib)
            verify(all.indexOf("LGPL-3.0-only") >= 0)
            verify(all.indexOf("Qwen2.5 0.5B Instruct — <a href=\"https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct/blob/main/LICENSE\">Apache-2.0</a>") >= 0)
            verify(all.indexOf("LicenseRef-Llama-3.2-Community") >= 0)
            page.close()
            tryCompare(page, "visible", false)
        }
    }
}
