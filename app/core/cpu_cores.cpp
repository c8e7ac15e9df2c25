#include "app/core/cpu_cores.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <utility>

namespace hearth::app {

int physicalCores() {
    std::ifstream in("/proc/cpuinfo");
    std::set<std::pair<std::string, std::string>> cores;
    std::string line, physical = "0";
    while (std::getline(in, line)) {
        const size_t colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string key = line.substr(0, colon);
        while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.pop_back();
        const std::string value = colon + 2 <= line.size() ? line.substr(colon + 2) : std::string();
        if (key == "physical id") physical = value;
        if (key == "core id") cores.emplace(physical, value);
    }
    if (!cores.empty()) return int(cores.size());
    return hardwareThreads();
}

int hardwareThreads() { return int(std::max(1u, std::thread::hardware_concurrency())); }

}  // namespace hearth::app
