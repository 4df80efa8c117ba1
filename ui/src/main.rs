fn main() {
    shipdeck_ui::start();
}
