# CUDA support. Kernel sources (.cu) are built two ways:
#  - always, as C++ against the SIMT emulator (kernels/cuda/simt), so every machine runs them;
#  - with nvcc for real GPUs when TARSIER_CUDA finds (AUTO) or demands (ON) a CUDA compiler.
set(TARSIER_CUDA AUTO CACHE STRING "Build the CUDA kernels with nvcc: AUTO (if a CUDA compiler is found), ON, OFF")
set_property(CACHE TARSIER_CUDA PROPERTY STRINGS AUTO ON OFF)
option(TARSIER_CUDA_PTXAS_VERBOSE "Print ptxas register/shared memory/spill use of every CUDA kernel" ON)

set(TARSIER_HAVE_CUDA OFF)
if(NOT TARSIER_CUDA STREQUAL "OFF")
  # The toolkit's standard place, for shells that do not have it on PATH.
  if(NOT DEFINED CMAKE_CUDA_COMPILER AND NOT DEFINED ENV{CUDACXX} AND EXISTS /usr/local/cuda/bin/nvcc)
    set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc CACHE FILEPATH "CUDA compiler")
  endif()
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    # 87 is Jetson Orin; the CUDA 13 toolkit starts at 75. Set before enable_language so CMake
    # does not probe its own default architecture, which CUDA 13 no longer supports.
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
      set(CMAKE_CUDA_ARCHITECTURES 75 80 86 87 89 90)
    endif()
    enable_language(CUDA)
    set(TARSIER_HAVE_CUDA ON)
    message(STATUS "CUDA kernels: nvcc ${CMAKE_CUDA_COMPILER_VERSION} for sm ${CMAKE_CUDA_ARCHITECTURES}")
  elseif(TARSIER_CUDA STREQUAL "ON")
    message(FATAL_ERROR "TARSIER_CUDA=ON but no CUDA compiler was found; "
                        "pass -DCMAKE_CUDA_COMPILER=/usr/local/cuda/bin/nvcc or put nvcc on PATH")
  else()
    message(STATUS "CUDA kernels: no CUDA compiler found, emulator build only")
  endif()
endif()

# tarsier_add_simt_library(target sources...): the .cu sources compiled by the host C++
# compiler against the SIMT emulator, as C++17 (what the device code may use). Each source is
# included from a generated .cpp, so the same .cu can also belong to an nvcc target.
function(tarsier_add_simt_library target)
  set(wrappers)
  foreach(source ${ARGN})
    get_filename_component(abs ${source} ABSOLUTE)
    get_filename_component(name ${source} NAME)
    set(wrapper ${CMAKE_CURRENT_BINARY_DIR}/${target}_simt/${name}.cpp)
    file(CONFIGURE OUTPUT ${wrapper} CONTENT "// Generated: ${name} under the SIMT emulator.\n#include \"${abs}\"\n")
    list(APPEND wrappers ${wrapper})
  endforeach()
  add_library(${target} STATIC ${wrappers})
  set_target_properties(${target} PROPERTIES CXX_STANDARD 17 CXX_STANDARD_REQUIRED ON CXX_EXTENSIONS OFF)
  target_link_libraries(${target} PUBLIC tarsier_simt)
endfunction()

# tarsier_add_cuda_library(target sources...): the same .cu sources compiled by nvcc for every
# architecture in CMAKE_CUDA_ARCHITECTURES, with ptxas' resource report in the build log.
function(tarsier_add_cuda_library target)
  add_library(${target} STATIC ${ARGN})
  set_target_properties(${target} PROPERTIES CUDA_STANDARD 17 CUDA_STANDARD_REQUIRED ON CUDA_EXTENSIONS OFF)
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR})
  target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CUDA>:-Xcompiler=-Wall,-Wextra>)
  if(TARSIER_CUDA_PTXAS_VERBOSE)
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CUDA>:-Xptxas=-v>)
  endif()
endfunction()
