//! Build script of the shell: Tauri's code generation (configuration,
//! capabilities, icons) for `tauri::generate_context!`.

fn main() {
    tauri_build::build()
}
