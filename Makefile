# The two-command quick start: `make demo` and `make test`. Both install what
# is missing (scripts/setup), build, then run.
PRESET ?= release
BUILD_DIR := build/$(PRESET)

.PHONY: all setup build test demo bench format clean

all: build

setup:
	@scripts/setup

build: setup
	@if [ ! -f $(BUILD_DIR)/build.ninja ]; then cmake --preset $(PRESET); fi
	cmake --build --preset $(PRESET)

test: build
	ctest --preset $(PRESET)

demo: build
	scripts/demo $(BUILD_DIR) $(or $(MODE),salted)

bench: build
	scripts/bench $(BUILD_DIR)

format:
	clang-format -i $$(git ls-files '*.cc' '*.h')

clean:
	rm -rf build
