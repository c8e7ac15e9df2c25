// Runs the tst_*.qml component tests in this directory (QUICK_TEST_SOURCE_DIR).
#include <QtQuickTest/quicktest.h>

QUICK_TEST_MAIN(hearth_qml_components)
