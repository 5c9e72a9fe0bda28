#ifndef AUTHTOKEN_FUZZ_DRIVER_H
#define AUTHTOKEN_FUZZ_DRIVER_H

/// Runs libFuzzer on the target's `LLVMFuzzerTestOneInput`. SwiftPM links each executable's
/// entry point as `<Target>_main` (so tests could import executables), which leaves
/// libFuzzer's own `main` out; each target's entry point calls this instead.
int fuzz_driver_main(int argc, char **argv);
#endif
