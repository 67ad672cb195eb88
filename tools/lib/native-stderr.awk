# Filters the standard error of a tools/* command. Native libraries print to it directly, past any Java
# logging: libjpeg/libpng through OpenCV ("Corrupt JPEG data: ..."), OpenCV's own log ("[ WARN:0@1.2] ..."),
# libtorch's c10 warnings ("[W1201 05:06:34.347 File.h:74] Warning: ..."). Those lines are appended to
# LOG (a file) and counted, not shown; everything else passes through at once. At the end one line says how
# many were set aside and where (known harmless ones are logged without the note).
function native(line) {
  return line ~ /^(Corrupt JPEG data|Premature end of JPEG file|Invalid SOS parameters|Unsupported marker type|Bogus |Warning: unknown JFIF|Warning: thumbnail|Invalid JPEG|Not a JPEG file|JPEG datastream)/ \
      || line ~ /^libpng (warning|error)/ \
      || line ~ /^\[ *(WARN|ERROR|INFO|DEBUG):[0-9]*@/ \
      || line ~ /^\[[WEI][0-9][0-9][0-9][0-9] [0-9:.]+ [^ ]+:[0-9]+\] /
}
# Known and harmless: DJL's PyTorch engine triggers this libtorch deprecation warning in every run.
function harmless(line) {
  return line ~ /AutoNonVariableTypeMode is deprecated/
}
{
  if (harmless($0)) {
    print $0 >> LOG
    fflush(LOG)
  } else if (native($0)) {
    if (hidden == 0) {
      first = $0
    }
    hidden++
    print $0 >> LOG
    fflush(LOG)
  } else {
    print $0
    fflush()
  }
}
END {
  if (hidden > 0) {
    if (length(first) > 100) {
      first = substr(first, 1, 97) "..."
    }
    printf "note: %d message%s of native libraries (image decoders, libtorch) not shown, e.g. \"%s\"; all in %s\n", hidden, hidden == 1 ? "" : "s", first, LOG
  }
}
