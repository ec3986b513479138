#pragma once
// Umbrella header of the C++ API.
#include <tarsier/error.hpp>
#include <tarsier/model_info.hpp>
#include <tarsier/session.hpp>
