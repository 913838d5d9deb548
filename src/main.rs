//! The `byline` command: a thin shell around the library.

// Building an archive allocates millions of small strings on several threads at once; mimalloc
// serves those from per-thread pages where the system allocator contends on its arenas.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    byline::cli::run()
}
