#!/usr/bin/env bash
# The compiler that the JavaCPP Maven plugin runs for libjniHnnNative.so (pom.xml: platform.compiler).
#
# JavaCPP writes the JNI functions and its table of Java classes in the order in which
# Class.getDeclaredMethods() lists the peer methods, and HotSpot makes that order differ from one JVM run to
# the next. Left alone, the .so (and so target/hnn.jar) differed between two builds of the same commit. This
# script first brings every generated jni*.cpp among the arguments into a canonical order (CanonicalJni.java
# beside it, run as a single-file Java program with the build's JDK), then runs the real compiler
# ($HNN_JNI_CXX, default g++) with the arguments unchanged.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
java="java"
[[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]] && java="$JAVA_HOME/bin/java"

sources=()
for arg in "$@"; do
  case "$arg" in
    */jni*.cpp) [[ -f "$arg" ]] && sources+=("$arg") ;;
  esac
done
if ((${#sources[@]})); then
  "$java" "$here/CanonicalJni.java" "${sources[@]}"
fi
exec "${HNN_JNI_CXX:-g++}" "$@"
