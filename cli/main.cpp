#include <iostream>

#include "cli/cli.hpp"

int main(int argc, char** argv) { return mx3pid::cli::run_cli(argc, argv, std::cout, std::cerr); }
