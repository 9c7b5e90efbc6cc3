#!/usr/bin/env bash
# Builds the AWS Advanced JDBC Wrapper with its KMS encryption plugin into one jar for the benchmarks' `aws` peer
# (no release that Maven Central serves here has the plugin; see benchmarks/README.md, "How the peers ran").
#
#   benchmarks/peers/build-aws-wrapper.sh <wrapper checkout> [out.jar]
#
# <wrapper checkout>: a clone of github.com/aws/aws-advanced-jdbc-wrapper (measured at cb7137edc6f6) or a bare git
# directory of one. Compiles the wrapper's sources that the driver, the sqlParser and kmsEncryption plugins reach
# (javac -sourcepath from those roots) against the benchmark jar — so both drivers share one AWS SDK v2 and
# JSqlParser 5.4 — plus, for compiling only, the optional libraries it names (below).
# Its code is unchanged but for one unused import of an SDK-internal class. Needs benchmarks/target/benchmarks.jar
# (mvn -B -q package -Ppeers -pl benchmarks -am -DskipTests) and Maven Central for those libraries.
set -euo pipefail
src=${1:?usage: build-aws-wrapper.sh <wrapper checkout> [out.jar]}
out=$(realpath -m "${2:-benchmarks/target/aws-wrapper-with-kms.jar}")
root=$(cd "$(dirname "$0")/../.." && pwd)
bench=$root/benchmarks/target/benchmarks.jar
[[ -f $bench ]] || { echo "build $bench first (mvn -B -q package -Ppeers -pl benchmarks -am -DskipTests)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The sources it needs, copied into $work (the one source change below must not touch the checkout).
if [[ -d $src/.git || -f $src/HEAD && -d $src/objects ]]; then # a clone or a bare git directory
    git --git-dir="$( [[ -d $src/.git ]] && echo "$src/.git" || echo "$src")" archive HEAD wrapper/src/main \
        gradle.properties | tar -x -C "$work"
else
    mkdir -p "$work/wrapper/src" && cp -r "$src/wrapper/src/main" "$work/wrapper/src/" && cp "$src/gradle.properties" "$work/"
fi
src=$work
java_src=$src/wrapper/src/main/java

# What the wrapper compiles against besides the SDK and JSqlParser: the optional and compile-only dependencies of its
# wrapper/build.gradle.kts, at versions Maven Central serves here, resolved by Maven into $work/lib for compiling
# only. The jar leaves them out; the benchmark loads none of the classes that use them. AWS_SDK_MODULES_VERSION: the
# SDK modules the benchmark jar lacks (default 2.54.13, which resolves here; 2.56.0's rds does not).
sdk=${AWS_SDK_MODULES_VERSION:-2.54.13}
deps="software.amazon.awssdk:rds:$sdk software.amazon.awssdk:secretsmanager:$sdk software.amazon.awssdk:sts:$sdk
    org.apache.httpcomponents:httpclient:4.5.14 org.jsoup:jsoup:1.23.1 io.opentelemetry:opentelemetry-api:1.62.0
    io.opentelemetry:opentelemetry-sdk:1.62.0 io.opentelemetry:opentelemetry-sdk-metrics:1.62.0
    io.valkey:valkey-glide:2.3.0:linux-x86_64 com.amazonaws:aws-xray-recorder-sdk-core:2.20.0 com.mchange:c3p0:0.14.1
    org.apache.commons:commons-pool2:2.13.1 com.zaxxer:HikariCP:4.0.3 com.fasterxml.jackson.core:jackson-databind:2.22.1
    com.mysql:mysql-connector-j:9.4.0 org.mariadb.jdbc:mariadb-java-client:3.5.11
    org.checkerframework:checker-qual:3.55.1 org.osgi:org.osgi.core:6.0.0 org.jetbrains.kotlin:kotlin-stdlib:2.4.10"
{
    echo '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
    echo '<groupId>local</groupId><artifactId>aws-wrapper-deps</artifactId><version>1</version><dependencies>'
    for d in $deps; do
        IFS=: read -r g a v c <<<"$d"
        echo "<dependency><groupId>$g</groupId><artifactId>$a</artifactId><version>$v</version>${c:+<classifier>$c</classifier>}</dependency>"
    done
    echo '</dependencies></project>'
} >"$work/pom.xml"
mvn -B -q -f "$work/pom.xml" org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -DoutputDirectory="$work/lib" -DexcludeGroupIds=org.postgresql

# DriverInfo from its template, with the version of the checkout's gradle.properties.
props=$src/gradle.properties
major=$(sed -n 's/^aws-advanced-jdbc-wrapper.version.major=//p' "$props")
minor=$(sed -n 's/^aws-advanced-jdbc-wrapper.version.minor=//p' "$props")
patch=$(sed -n 's/^aws-advanced-jdbc-wrapper.version.subminor=//p' "$props")
mkdir -p "$work/gen/software/amazon/jdbc/util"
sed -e "s|/\*\$version\$\*/|$major.$minor.$patch|" \
    -e "s|/\*\$version.major+\";\"\$\*//\*-\*/0;|$major;|" \
    -e "s|/\*\$version.minor+\";\"\$\*//\*-\*/1;|$minor;|" \
    -e "s|/\*\$version.patch+\";\"\$\*//\*-\*/0;|$patch;|" \
    -e "s|/\*\$version.revision\$\*/|local|" \
    "$src/wrapper/src/main/version/software/amazon/jdbc/util/DriverInfo.java" \
    >"$work/gen/software/amazon/jdbc/util/DriverInfo.java"

# The one source change: an unused import of an SDK-internal class that this SDK version no longer has.
grep -rl --include='*.java' '^import .*awssdk.*Value\.Int;' "$java_src" | xargs -r sed -i '/^import .*awssdk.*Value\.Int;/d'

roots=(
    "$java_src/software/amazon/jdbc/Driver.java"
    $(grep -rl 'class KmsEncryptionConnectionPluginFactory\|class SqlParserConnectionPluginFactory\|class ConnectionPluginChainBuilder' "$java_src")
)
mkdir -p "$work/classes/META-INF/services"
javac -Xmaxerrs 5000 -nowarn -proc:none --release 17 -encoding UTF-8 -d "$work/classes" \
    -cp "$bench:$(ls "$work"/lib/*.jar | tr '\n' ':')" \
    -sourcepath "$java_src:$work/gen" "${roots[@]}" 2>&1 | grep -v '^Note:' || true
[[ -f $work/classes/software/amazon/jdbc/Driver.class ]] || { echo "compilation failed" >&2; exit 1; }
cp -r "$src/wrapper/src/main/resources/." "$work/classes/"
echo software.amazon.jdbc.Driver >"$work/classes/META-INF/services/java.sql.Driver"
mkdir -p "$(dirname "$out")"
(cd "$work/classes" && jar --create --file "$out" .)
echo "$out ($(find "$work/classes" -name '*.class' | wc -l) classes)"
