#!/bin/sh
echo "starting ${environment}"
