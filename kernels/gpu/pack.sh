#!/usr/bin/env bash
# Packs what run-on-gpu.sh needs on a lent GPU machine that has no JDK 25, no Maven and no
# network, into kernels/gpu/pack.tar.gz (checked to stay under 60 MiB: such a machine receives
# at most 64 MiB of files besides the working tree):
#   pack/jdk   a jlink'ed JDK 25 runtime with the modules the tests and the timing use
#   pack/lib   the kernels test class path and the bench class path (jars and class folders),
#              JUnit's console launcher, and jcuda-natives cut down to the driver binding
#              (its NVRTC, runtime and PTX-compiler libraries are not used: about 24 MB less)
# Run it here, where Maven and a JDK 25 are: kernels/gpu/pack.sh   (a few minutes on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
T=target-gpu                       # a build folder of its own (-Diern.target)
out=kernels/gpu/pack
rm -rf "$out" kernels/gpu/pack.tar.gz
mkdir -p "$out/lib"

./mvnw -B -ntp -q -Diern.target=$T -pl kernels,bench -am package dependency:build-classpath \
  -DskipTests -Dmdep.includeScope=test -Dmdep.outputFile=$T/classpath.txt
./mvnw -B -ntp -q dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:1.14.1 \
  -DoutputDirectory="$out/lib"

# One copy of every class-path entry; reactor modules as their class folders.
n=0
for entry in $(tr ':' '\n' < kernels/$T/classpath.txt; echo; tr ':' '\n' < bench/$T/classpath.txt; echo) \
    kernels/$T/classes kernels/$T/test-classes bench/$T/classes; do
  base=$(basename "$entry")
  case "$entry" in
    *jcuda-natives*)
      tmp=$(mktemp -d)
      (cd "$tmp" && "$JAVA_HOME/bin/jar" xf "$entry" && rm -f lib/*JNvPTXCompiler* lib/*JCudaRuntime* lib/*JNvrtc* \
        && "$JAVA_HOME/bin/jar" cf "$base" -C "$tmp" lib)
      cp "$tmp/$base" "$out/lib/"; rm -rf "$tmp" ;;
    *.jar) cp -n "$entry" "$out/lib/" ;;
    *) n=$((n + 1)); mkdir -p "$out/lib/dir$n-$(echo "$entry" | tr '/' '_')"; cp -r "$entry"/. "$out/lib/dir$n-$(echo "$entry" | tr '/' '_')/" ;;
  esac
done

"$JAVA_HOME/bin/jlink" --add-modules java.base,java.desktop,java.logging,java.management,java.naming,java.sql,java.xml,jdk.incubator.vector,jdk.management,jdk.unsupported,jdk.zipfs \
  --strip-debug --no-man-pages --no-header-files --compress=zip-9 --output "$out/jdk"

tar -C kernels/gpu -czf kernels/gpu/pack.tar.gz pack
size=$(stat -c %s kernels/gpu/pack.tar.gz)
echo "kernels/gpu/pack.tar.gz: $((size >> 20)) MiB ($(du -sh "$out" | cut -f1) unpacked)"
if [ "$size" -gt $((60 << 20)) ]; then
  echo "pack.sh: the pack is over 60 MiB; the GPU machine takes at most 64 MiB of carried files" >&2
  exit 1
fi
