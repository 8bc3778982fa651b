#include <iostream>

#include "harness/cli.hpp"

int main(int argc, char** argv) { return mx3pid::harness::run_cli(argc, argv, std::cout, std::cerr); }
