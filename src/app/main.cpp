// keyward: the server and command-line client in one binary.
#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "version") == 0) {
    std::printf("keyward 0.1.0\n");
    return 0;
  }
  std::fprintf(stderr, "usage: keyward version\n");
  return 2;
}
