// libtanba.so's own translation unit: the library is the modules' archives, linked whole
// (capi/CMakeLists.txt); this file only gives CMake a source for the target.
