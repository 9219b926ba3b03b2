module.exports = require("./docker-lifetime").setup;
