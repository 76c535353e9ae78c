# Sourced by results/<name>/guest-run.sh inside the guest (bash, root, cwd /tmp) after
# guest-env.sh, which sets TK_RESULTS, TK_JAVA, TK_CLASSPATH, TK_JUNIT_JAR,
# TK_LISTENER_JAR, TK_CLASSES (array), TK_JVM_ARGS (array), TK_HANG_TIMEOUT (s),
# TK_START_TIMEOUT (s, a JVM's start, when the hang timeout does not apply) and
# TK_TEST_TIMEOUT.
#
# All test classes run in one JVM (a JVM start costs ~10 s under TCG). The progress
# listener writes a flushed line per test event to junit/progress-<n>.tsv. When no event
# has come for TK_HANG_TIMEOUT seconds (a test stuck in the kernel, where no Java timeout
# reaches it), or the JVM dies, the JVM gets SIGQUIT (thread dump into output-<n>.log)
# and SIGKILL; the class that was running is recorded in stop-<n>.txt and dropped, and
# a new JVM runs the classes that had not finished.

jdir=$TK_RESULTS/junit
mkdir -p "$jdir"
"$TK_JAVA" -version 2>&1
# The doctor's view of this kernel first: the support matrix is built from it.
. "$(dirname "${BASH_SOURCE[0]}")/doctor.sh"
tk_doctor
remaining=("${TK_CLASSES[@]}")
overall=0
n=0
while ((${#remaining[@]})) && ((n <= ${#TK_CLASSES[@]})); do
  n=$((n + 1))
  progress=$jdir/progress-$n.tsv
  log=$jdir/output-$n.log
  : > "$progress"
  sel=()
  for c in "${remaining[@]}"; do sel+=(--select-class "$c"); done
  echo "=== JVM $n: ${#remaining[@]} class(es)"
  start=$SECONDS
  "$TK_JAVA" "${TK_JVM_ARGS[@]}" "-Dtk.progress=$progress" -jar "$TK_JUNIT_JAR" execute \
    --class-path "$TK_LISTENER_JAR:$TK_CLASSPATH" "${sel[@]}" --include-tag kernel \
    --reports-dir "$jdir/reports-$n" --details=tree --disable-banner --disable-ansi-colors \
    "--config=junit.jupiter.execution.timeout.default=$TK_TEST_TIMEOUT" \
    > "$log" 2>&1 < /dev/null &
  pid=$!
  jvm_start=$(date +%s)
  stopped=""
  while kill -0 "$pid" 2>/dev/null; do
    last=$(stat -c %Y "$progress")
    # A JVM's first TK_START_TIMEOUT seconds are not judged by TK_HANG_TIMEOUT: it starts,
    # discovers the classes over 9p and runs its first tests in the interpreter and C1. On
    # 5.10 under TCG no test had begun after 69 s, and in CI the first test (a stress test)
    # went 60 s without an event while the JVM was still warming up.
    now=$(date +%s)
    if ((now - last >= TK_HANG_TIMEOUT && now - jvm_start >= ${TK_START_TIMEOUT:-180})); then
      stopped="no test event for $((now - last))s"
      [[ -s $progress ]] || stopped="$stopped after the JVM started (no test had begun)"
      kill -QUIT "$pid" 2>/dev/null; sleep 5
      kill -KILL "$pid" 2>/dev/null
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      if kill -0 "$pid" 2>/dev/null; then
        stopped="$stopped; unkillable: $(awk '{print "state " $3}' /proc/$pid/stat 2>/dev/null), wchan $(cat /proc/$pid/wchan 2>/dev/null)"
      fi
      rc=124
      break
    fi
    sleep 0.5
  done
  [[ -n $stopped ]] || { wait "$pid"; rc=$?; }
  echo "=== JVM $n: exit $rc after $((SECONDS - start))s${stopped:+ ($stopped)}"
  cat "$log"
  # Classes whose container finished are done; the rest run again, minus the one that was running.
  declare -A done_cls=()
  while IFS=$'\t' read -r ev kind cls _; do
    [[ $ev == E && $kind == C ]] && done_cls[$cls]=1
  done < "$progress"
  if ((rc == 0 || rc == 1)) && [[ -z $stopped ]]; then
    ((rc == 0)) || overall=1
    # A normal end: classes that never started were not selected by tag (fine).
    remaining=()
    unset done_cls
    break
  fi
  overall=1
  running=$(awk -F'\t' '$1=="S" && $2=="C" {s[$3]=1} $1=="E" && $2=="C" {delete s[$3]} END {for (c in s) print c}' "$progress" | head -1)
  running=${running%%\$*}
  running_test=$(awk -F'\t' '$1=="S" && $2=="T" {s[$3"\t"$4]=$5} $1=="E" && $2=="T" {delete s[$3"\t"$4]} END {for (t in s) print t}' "$progress" | head -1)
  printf 'jvm: %s\nexit: %s\nreason: %s\nclass: %s\ntest: %s\nseconds: %s\n' "$n" "$rc" \
    "${stopped:-the JVM exited with $rc}" "${running:-?}" "${running_test//$'\t'/.}" "$((SECONDS - start))" > "$jdir/stop-$n.txt"
  next=()
  for c in "${remaining[@]}"; do
    [[ -n ${done_cls[$c]:-} || $c == "$running" ]] || next+=("$c")
  done
  unset done_cls
  if [[ -z $running ]]; then
    echo "=== no class was running when JVM $n stopped; not retrying ${#next[@]} class(es)"
    printf 'not run: %s\n' "${next[@]}" >> "$jdir/stop-$n.txt"
    break
  fi
  remaining=("${next[@]}")
done
exit "$overall"
