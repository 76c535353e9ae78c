# Sourced by results/<name>/guest-run.sh inside the guest (bash, root, cwd /tmp) after
# guest-env.sh, which sets TK_RESULTS, TK_JAVA, TK_CLASSPATH, TK_JUNIT_JAR, TK_CLASSES
# (array), TK_JVM_ARGS (array), TK_CLASS_TIMEOUT (s) and TK_TEST_TIMEOUT.
#
# One JVM per test class: a test that hangs in the kernel (where no Java timeout can
# reach it) costs that class, not the whole kernel's report. A class still running
# after TK_CLASS_TIMEOUT gets SIGQUIT (thread dump into its output.log), then SIGKILL.

"$TK_JAVA" -version 2>&1
overall=0
for cls in "${TK_CLASSES[@]}"; do
  dir=$TK_RESULTS/junit/$cls
  mkdir -p "$dir"
  start=$SECONDS
  "$TK_JAVA" "${TK_JVM_ARGS[@]}" -jar "$TK_JUNIT_JAR" execute \
    --class-path "$TK_CLASSPATH" --select-class "$cls" --include-tag kernel --fail-if-no-tests \
    --reports-dir "$dir" --details=tree --disable-banner --disable-ansi-colors \
    "--config=junit.jupiter.execution.timeout.default=$TK_TEST_TIMEOUT" \
    > "$dir/output.log" 2>&1 < /dev/null &
  pid=$!
  hung=no
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS - start >= TK_CLASS_TIMEOUT)); then
      hung=yes
      kill -QUIT "$pid" 2>/dev/null; sleep 5
      kill -KILL "$pid" 2>/dev/null
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      break
    fi
    sleep 0.2
  done
  if [[ $hung == yes ]]; then
    rc=124
    if kill -0 "$pid" 2>/dev/null; then
      hung="yes, unkillable ($(cat /proc/$pid/stat 2>/dev/null | awk '{print "state " $3}'); wchan $(cat /proc/$pid/wchan 2>/dev/null))"
    fi
  else
    wait "$pid"; rc=$?
  fi
  secs=$((SECONDS - start))
  printf 'exit: %s\nseconds: %s\nhung: %s\n' "$rc" "$secs" "$hung" > "$dir/result.txt"
  echo "=== $cls: exit $rc, ${secs}s$([[ $hung != no ]] && echo ", killed after ${TK_CLASS_TIMEOUT}s: hung $hung")"
  cat "$dir/output.log"
  ((rc == 0)) || overall=1
done
exit "$overall"
