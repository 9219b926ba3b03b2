module.exports = require("./docker-lifetime").teardown;
