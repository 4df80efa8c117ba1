import init from "./shipdeck_ui.js";
init();
