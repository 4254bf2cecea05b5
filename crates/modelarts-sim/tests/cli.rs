//! The `modelarts-sim` binary's command line: its subcommands, its help, and flags
//! it refuses with a message (never a panic).

const SIM_BIN: &str = env!("CARGO_BIN_EXE_modelarts-sim");

#[test]
fn the_catalogue_subcommand_lists_flavors_and_images() {
    let out = std::process::Command::new(SIM_BIN).arg("catalogue").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for expected in [
        "modelarts.vm.cpu.2u",
        "modelarts.vm.gpu.v100",
        "(sold out)",
        "e1a07296-22a8-4f05-8bc8-e936c8e54090",
        "CPU/GPU",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
}

#[test]
fn the_help_names_every_operation_a_fault_can_target() {
    use modelarts_sim::faults::Op;
    let out = std::process::Command::new(SIM_BIN).arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
    for op in Op::ALL {
        assert_eq!(Op::parse(&op.name()), Some(op));
        assert!(help.contains(&format!(" {},", op.name())), "{} is not in --help: {help}", op.name());
    }
}

#[test]
fn bad_flags_are_refused_with_a_message() {
    for (args, expected) in [
        (&["--fault", "nope:drop_answer"][..], "unknown operation"),
        (&["--create-seconds", "inf"], "must be from 0 to"),
        (&["--stop-seconds", "NaN"], "must be from 0 to"),
        (&["--start-seconds", "1e300"], "must be from 0 to"),
        (&["--delete-seconds=-1"], "must be from 0 to"),
        (&["--retry-after", "1e20"], "must be from 0 to"),
        (&["--error-rate", "2"], "not a fraction"),
        (&["--latency-ms", "18446744073709551615"], "latency-ms"),
        (&["--max-clock-skew-seconds", "9223372036854775807"], "max-clock-skew-seconds"),
        (&["--fault", "show:oversized:lots"], "bad size"),
    ] {
        let out = std::process::Command::new(SIM_BIN).args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}
