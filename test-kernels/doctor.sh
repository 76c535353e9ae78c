# Guest script (test-kernels/run --guest-script test-kernels/doctor.sh): the doctor's view of
# the guest kernel, for the support matrix. Writes doctor.json and doctor.txt to the results
# and notes whether kernel.io_uring_disabled exists. Also sourced by guest-junit.sh.
tk_doctor() {
  local jvm=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -During4j.library.path="$TK_LIBRARY_PATH" -cp "$TK_BUILD/target/classes")
  "$TK_JAVA" "${jvm[@]}" dev.uring4j.diag.Main doctor --json > "$TK_RESULTS/doctor.json" 2> "$TK_RESULTS/doctor.err"
  "$TK_JAVA" "${jvm[@]}" dev.uring4j.diag.Main doctor > "$TK_RESULTS/doctor.txt" 2>&1
  if [[ -e /proc/sys/kernel/io_uring_disabled ]]; then touch "$TK_RESULTS/sysctl-present"; fi
  echo "doctor: $(grep -c . "$TK_RESULTS/doctor.json") lines of JSON, available=$(grep -o '"available": [a-z]*' "$TK_RESULTS/doctor.json")"
}
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then tk_doctor; exit 0; fi
